"""Pieces every dispatch service shares: locking the case, its dispatch row, timeline events, notifying."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from accounts.models import User
from accounts.roles import Role
from core.errors import Conflict
from core.links import absolute_url
from notices.services import notice_send
from tickets import access
from tickets.events import event_record, ticket_lock
from tickets.models import Ticket, TicketEvent

from ..models import CaseDispatch


class DispatchConflict(Conflict):
    """Someone else changed the case first (claimed it, assigned it): a plain refusal, nothing written."""


def lock_ticket(ticket_id: int) -> Ticket:
    """Lock the case row (with what dispatch reads of its device): every dispatch write on a case queues behind the one before it."""
    return ticket_lock(ticket_id, related=("device__product", "device__site"))


def case_state(ticket: Ticket) -> CaseDispatch:
    """The case's dispatch row, created on first use. Call with the case row locked."""
    state, _ = CaseDispatch.objects.select_for_update().get_or_create(ticket=ticket)
    return state


def ensure_sees(actor: User | None, ticket: Ticket) -> None:
    """The one access rule, for writes: a case the actor cannot see is refused like one that does not exist."""
    if actor is not None and not access.can_see(actor, ticket):
        raise PermissionDenied(gettext("You may not do this on this case."))


def ensure_staff(actor: User | None, ticket: Ticket) -> None:
    ensure_sees(actor, ticket)
    if actor is not None and not actor.is_staff_member:
        raise PermissionDenied(gettext("Only staff may do this."))


def ensure_handler(actor: User | None, ticket: Ticket) -> None:
    """The case's engineer or a supervisor (the people who work a case)."""
    ensure_sees(actor, ticket)
    if actor is None or actor.is_supervisor:
        return
    if not (actor.is_engineer and ticket.assignee_id == actor.pk):
        raise PermissionDenied(gettext("Only the case's engineer or a manager may do this."))


def managers_for(ticket: Ticket) -> list[User]:
    """Who is told about dispatch trouble: the department's managers, else every manager."""
    managers = User.objects.filter(is_active=True, groups__name=Role.MANAGER).distinct().order_by("pk")
    in_department = [m for m in managers if ticket.department_id and m.department_id == ticket.department_id]
    return in_department or list(managers)


def record_event(
    *,
    ticket: Ticket,
    kind: str,
    actor: User | None,
    body: str = "",
    is_public: bool = False,
    data: dict | None = None,
    notify: Sequence[User | None] | None = None,
) -> TicketEvent:
    """Put an event on the case's timeline and tell the people in ``notify`` (the outbox emails them after commit)."""
    data = dict(data or {})
    people = {u.pk: u for u in notify or [] if u is not None and u.is_active and u != actor}
    recipients = sorted(people)
    if recipients:
        data["notify"] = recipients
    event = event_record(ticket=ticket, kind=kind, actor=actor, body=body, is_public=is_public, data=data)
    if recipients:
        from ..notices import notice_kind_for

        notice_send(
            recipients=[people[pk] for pk in recipients],
            kind=notice_kind_for(kind),
            data={
                "event_id": event.pk,
                "reference": ticket.reference,
                "subject": ticket.subject,
                "body": event.body,
                "actor": str(actor) if actor else "",
            },
            link=absolute_url("tickets:case", ticket.reference),
            ticket_id=ticket.pk,
            subject_ref=f"{ticket.reference} {ticket.subject}",
        )
    return event
