"""Chasing (催办) and the escalation tiers (hotline → engineer → project manager)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from accounts.roles import Role
from customers.access import is_contact_of
from tickets import access
from tickets.events import milestone_record
from tickets.lifecycle import OPEN_STATUSES, Milestone

from ..events import DispatchEvent
from ..models import CaseDispatch, Escalation, Tier
from .assignment import dispatch_assign
from .common import case_state, ensure_handler, ensure_staff, lock_ticket, managers_for, record_event


def chase_min_interval() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "DISPATCH_CHASE_MIN_MINUTES", 10))


@transaction.atomic
def ticket_chase(*, ticket_id: int, actor: User, note: str = "") -> CaseDispatch:
    """A customer contact or a manager chases an open case: counted, on the timeline, engineer and managers emailed.

    One person chasing the same case again within ``DISPATCH_CHASE_MIN_MINUTES`` is refused (a
    double click must not count twice).
    """
    ticket = lock_ticket(ticket_id)
    if not access.can_see(actor, ticket):
        raise PermissionDenied(gettext("You may not do this on this case."))
    if not (actor.is_supervisor or is_contact_of(actor, ticket.organisation_id)):
        raise PermissionDenied(gettext("Only the customer or a manager chases a case."))
    if ticket.status not in OPEN_STATUSES:
        raise ValidationError({"status": [gettext("Only an open case can be chased.")]})
    now = timezone.now()
    recent = ticket.events.filter(kind=DispatchEvent.CHASED, actor=actor, created_at__gt=now - chase_min_interval())
    if recent.exists():
        raise ValidationError({"note": [gettext("You chased this case a moment ago; we are on it.")]})
    state = case_state(ticket)
    CaseDispatch.objects.filter(pk=state.pk).update(chase_count=F("chase_count") + 1, last_chased_at=now)
    state.refresh_from_db(fields=["chase_count", "last_chased_at"])
    record_event(
        ticket=ticket,
        kind=DispatchEvent.CHASED,
        actor=actor,
        body=note or gettext("Chased (%(count)d).") % {"count": state.chase_count},
        is_public=True,
        data={"count": state.chase_count},
        notify=[ticket.assignee, *managers_for(ticket)],
    )
    return state


def _project_managers() -> list[User]:
    return list(User.objects.filter(is_active=True, groups__name=Role.PROJECT_MANAGER).distinct().order_by("pk"))


@transaction.atomic
def ticket_escalate(
    *, ticket_id: int, actor: User, reason: str, to_tier: int | None = None, engineer: User | None = None
) -> Escalation:
    """Move a case up a tier (or straight to ``to_tier``), recording who, why and when.

    Reaching the project manager (the specialists) starts the 7-working-day solution clock
    (``Milestone.ESCALATED``) and tells the project managers. Going to the engineer tier may
    name the ``engineer``, who is then assigned.
    """
    ticket = lock_ticket(ticket_id)
    ensure_staff(actor, ticket)
    if ticket.status not in OPEN_STATUSES:
        raise ValidationError({"status": [gettext("Only an open case can be escalated.")]})
    if not reason.strip():
        raise ValidationError({"reason": [gettext("Say why the case is escalated.")]})
    state = case_state(ticket)
    current = state.tier
    if ticket.assignee_id and current < Tier.ENGINEER:
        current = Tier.ENGINEER  # a case with an engineer is at least at their tier
    target = Tier(to_tier) if to_tier is not None else Tier(min(current + 1, Tier.PROJECT_MANAGER))
    if target <= current:
        raise ValidationError(
            {"to_tier": [gettext("The case is already at the %(tier)s tier.") % {"tier": Tier(current).label}]}
        )
    escalation = Escalation.objects.create(
        ticket=ticket, from_tier=current, to_tier=target, escalated_by=actor, reason=reason.strip()
    )
    state.tier = target
    state.save(update_fields=["tier"])
    notify = list(managers_for(ticket))
    if target == Tier.PROJECT_MANAGER:
        notify += _project_managers()
    record_event(
        ticket=ticket,
        kind=DispatchEvent.ESCALATED,
        actor=actor,
        body=reason,
        data={"escalation": escalation.pk, "from_tier": current, "to_tier": int(target)},
        notify=notify,
    )
    if target == Tier.PROJECT_MANAGER:
        milestone_record(ticket_id=ticket.pk, milestone=Milestone.ESCALATED, actor=actor, at=escalation.created_at)
    if engineer is not None:
        dispatch_assign(
            ticket_id=ticket.pk, engineer=engineer, actor=actor if actor.is_supervisor else None, note=reason
        )
    return escalation


@transaction.atomic
def escalation_solution_give(*, ticket_id: int, actor: User, solution: str) -> Escalation:
    """The specialists' solution for the case's open escalation; stops the solution clock (SOLUTION_GIVEN)."""
    ticket = lock_ticket(ticket_id)
    ensure_handler(actor, ticket)
    if not solution.strip():
        raise ValidationError({"solution": [gettext("Describe the solution.")]})
    escalation = (
        Escalation.objects.select_for_update()
        .filter(ticket=ticket, to_tier=Tier.PROJECT_MANAGER, solution_given_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if escalation is None:
        raise ValidationError({"solution": [gettext("This case has no escalation waiting for a solution.")]})
    now = timezone.now()
    escalation.solution, escalation.solution_by, escalation.solution_given_at = solution.strip(), actor, now
    escalation.save(update_fields=["solution", "solution_by", "solution_given_at"])
    record_event(
        ticket=ticket,
        kind=DispatchEvent.ESCALATED,
        actor=actor,
        body=solution,
        is_public=True,
        data={"escalation": escalation.pk, "solution": True},
        notify=[ticket.assignee, *managers_for(ticket)],
    )
    milestone_record(ticket_id=ticket.pk, milestone=Milestone.SOLUTION_GIVEN, actor=actor, at=now)
    return escalation
