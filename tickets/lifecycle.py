"""The case lifecycle: states, the actions that move between them, and the one check.

Every caller (pages, API, tasks, admin) changes a case's status through
``tickets.services.ticket_transition``, which calls ``ensure_transition`` below.

    new → assigned → in progress ⇄ waiting for customer → resolved → archived
    assigned → new (declined, or not accepted in time: back to the queue)
                                                  resolved → reopened → in progress
    (new, assigned, in progress, waiting, reopened) → cancelled
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import Conflict


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for customer")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened")
    ARCHIVED = "archived", _("Archived")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = frozenset({Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING, Status.REOPENED})
FINAL_STATUSES = frozenset({Status.ARCHIVED, Status.CANCELLED})


class Action(models.TextChoices):
    ASSIGN = "assign", _("Assign")
    UNASSIGN = "unassign", _("Return to the queue")
    START = "start", _("Accept and start")
    WAIT = "wait", _("Ask the customer")
    RESUME = "resume", _("Resume")
    RESOLVE = "resolve", _("Resolve")
    REOPEN = "reopen", _("Reopen")
    ARCHIVE = "archive", _("Archive")
    CANCEL = "cancel", _("Cancel")


@dataclass(frozen=True)
class Transition:
    sources: frozenset[Status]
    target: Status


TRANSITIONS: dict[Action, Transition] = {
    # Assigning again (reassigning) hands the case to someone who has not accepted it yet.
    Action.ASSIGN: Transition(
        frozenset({Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING, Status.REOPENED}),
        Status.ASSIGNED,
    ),
    Action.UNASSIGN: Transition(frozenset({Status.ASSIGNED}), Status.NEW),
    Action.START: Transition(frozenset({Status.ASSIGNED, Status.REOPENED}), Status.IN_PROGRESS),
    Action.WAIT: Transition(frozenset({Status.IN_PROGRESS}), Status.WAITING),
    Action.RESUME: Transition(frozenset({Status.WAITING}), Status.IN_PROGRESS),
    Action.RESOLVE: Transition(frozenset({Status.IN_PROGRESS, Status.WAITING}), Status.RESOLVED),
    Action.REOPEN: Transition(frozenset({Status.RESOLVED}), Status.REOPENED),
    Action.ARCHIVE: Transition(frozenset({Status.RESOLVED}), Status.ARCHIVED),
    Action.CANCEL: Transition(frozenset(OPEN_STATUSES), Status.CANCELLED),
}


class InvalidTransition(Conflict):
    """The lifecycle does not allow this action from the case's current status (the API answers 409)."""

    code = "invalid_transition"

    def __init__(self, status: str, action: str):
        self.status = Status(status)
        self.action = Action(action)
        super().__init__(self.message, status=self.status.value, action=self.action.value)

    @property
    def message(self) -> str:
        return gettext("A case that is “%(status)s” cannot be moved by “%(action)s”.") % {
            "status": self.status.label,
            "action": self.action.label,
        }


class Milestone(models.TextChoices):
    """Facts a room above reports about a case that another room times (the SLA's clocks start and
    stop on them). Reported with ``tickets.events.milestone_record``; the rooms never import each other."""

    ONSITE_DECIDED = "onsite_decided", _("On-site visit decided")
    ONSITE_ARRIVED = "onsite_arrived", _("Engineer arrived on site")
    ESCALATED = "escalated", _("Escalated to specialists")
    SOLUTION_GIVEN = "solution_given", _("Solution given")
    DEVELOPMENT_REPLIED = "development_replied", _("Written development reply sent")
    INSPECTION_DONE = "inspection_done", _("Inspection done")
    INSPECTION_REPORTED = "inspection_reported", _("Inspection report filed")


# Taken only inside another flow, never offered as a button of its own: an engineer declines
# (with a reason, and the dispatch bookkeeping) through dispatch, which then unassigns.
FLOW_ONLY_ACTIONS = frozenset({Action.UNASSIGN})


def allowed_actions(status: str) -> list[Action]:
    """The actions a case in ``status`` offers (those the lifecycle allows, less flow-only ones)."""
    return [action for action, t in TRANSITIONS.items() if status in t.sources and action not in FLOW_ONLY_ACTIONS]


def ensure_transition(status: str, action: Action) -> Status:
    """Return the status ``action`` leads to from ``status``, or raise InvalidTransition."""
    transition = TRANSITIONS[Action(action)]
    if status not in transition.sources:
        raise InvalidTransition(status, action)
    return transition.target


# --- guards: rules the rooms above add to a transition ---------------------------------------

# guard(ticket, *, actor, assignee) raises ValidationError (with field messages) to refuse.
TransitionGuard = Callable[..., None]
_guards: dict[Action, dict[str, TransitionGuard]] = {}


def register_transition_guard(action: Action, name: str, guard: TransitionGuard) -> None:
    """Add an upper room's rule to ``action`` (dispatch: patch work needs a certified engineer).

    ``tickets.services.ticket_transition`` runs every guard of the action inside its transaction,
    with the case locked, after the lifecycle's own checks; so every path (pages, API, admin,
    dispatch flows, automatic dispatch) is refused alike. Registering a name again replaces it.
    """
    _guards.setdefault(Action(action), {})[name] = guard


def check_guards(action: Action, ticket: Any, **context: Any) -> None:
    for guard in _guards.get(Action(action), {}).values():
        guard(ticket, **context)
