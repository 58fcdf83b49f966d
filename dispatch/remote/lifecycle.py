"""Remote support's two state machines: the remote session and the solution plan.

    session: requested → approved → started → ended
             requested → refused
    plan:    submitted → approved → carried out
             submitted → rejected

A session or plan is *open* while it waits for the customer's answer (``OPEN_SESSION_STATUSES``,
``OPEN_PLAN_STATUSES``): that is what the portal asks of them. The approval gates (start, carry
out) answer 403 as they always have; the other refused moves are invalid input (400).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..lifecycle import Refusal, Transition, allowed, ensure

if TYPE_CHECKING:
    from .models import RemoteSession, SolutionPlan


class SessionStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the customer's approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    STARTED = "started", _("In progress")
    ENDED = "ended", _("Ended")
    # No action leads here yet; kept so stored rows and the API's enum stay as they are.
    CANCELLED = "cancelled", _("Cancelled")


class SessionAction(models.TextChoices):
    APPROVE = "approve"
    REFUSE = "refuse"
    START = "start"
    END = "end"


OPEN_SESSION_STATUSES = frozenset({SessionStatus.REQUESTED})

_SESSION_ANSWERED = Refusal.invalid(_("This remote session has already been answered."))

SESSION_TRANSITIONS: dict[str, Transition] = {
    SessionAction.APPROVE: Transition(frozenset(OPEN_SESSION_STATUSES), SessionStatus.APPROVED, _SESSION_ANSWERED),
    SessionAction.REFUSE: Transition(frozenset(OPEN_SESSION_STATUSES), SessionStatus.REFUSED, _SESSION_ANSWERED),
    SessionAction.START: Transition(
        frozenset({SessionStatus.APPROVED}),
        SessionStatus.STARTED,
        Refusal.forbidden(_("No remote session may start without the customer's approval.")),
    ),
    SessionAction.END: Transition(
        frozenset({SessionStatus.STARTED}),
        SessionStatus.ENDED,
        Refusal.invalid(_("Only a session in progress can end.")),
    ),
}

# The engineer sees "Start the session" from the moment it is requested: pressing it before the
# customer answers says why it may not start yet (the refusal above). Kept as it was.
SESSION_START_OFFERED = frozenset({SessionStatus.REQUESTED, SessionStatus.APPROVED})


def session_allowed_actions(session: RemoteSession) -> list[str]:
    return allowed(SESSION_TRANSITIONS, session.status)


def ensure_session_transition(session: RemoteSession, action: str) -> SessionStatus:
    """Return the status ``action`` leads to, or raise its refusal (400, or 403 for starting unapproved)."""
    return SessionStatus(ensure(SESSION_TRANSITIONS, session.status, action))


class PlanStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for the customer's approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CARRIED_OUT = "carried_out", _("Carried out")


class PlanAction(models.TextChoices):
    APPROVE = "approve"
    REJECT = "reject"
    CARRY_OUT = "carry_out"


OPEN_PLAN_STATUSES = frozenset({PlanStatus.SUBMITTED})

_PLAN_ANSWERED = Refusal.invalid(_("This plan has already been answered."))

PLAN_TRANSITIONS: dict[str, Transition] = {
    PlanAction.APPROVE: Transition(frozenset(OPEN_PLAN_STATUSES), PlanStatus.APPROVED, _PLAN_ANSWERED),
    PlanAction.REJECT: Transition(frozenset(OPEN_PLAN_STATUSES), PlanStatus.REJECTED, _PLAN_ANSWERED),
    PlanAction.CARRY_OUT: Transition(
        frozenset({PlanStatus.APPROVED}),
        PlanStatus.CARRIED_OUT,
        Refusal.forbidden(_("A solution plan is carried out only after the customer approves it.")),
    ),
}


def plan_allowed_actions(plan: SolutionPlan) -> list[str]:
    return allowed(PLAN_TRANSITIONS, plan.status)


def ensure_plan_transition(plan: SolutionPlan, action: str) -> PlanStatus:
    """Return the status ``action`` leads to, or raise its refusal (400, or 403 for carrying out unapproved)."""
    return PlanStatus(ensure(PLAN_TRANSITIONS, plan.status, action))
