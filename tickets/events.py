"""The case's write API for every room: lock a case, and put an entry on its timeline.

Only this module (and ``tickets.services``, which uses it) writes a case row or a timeline
event. The rooms above call it from their own services instead of touching the tables::

    from tickets.events import event_record, ticket_lock

    ticket = ticket_lock(ticket_id, related=("device__product",))
    event_record(ticket=ticket, kind="visit", actor=engineer, data={"visit": visit.pk})

An upper room owns its event kinds: it registers each one (label, and the template that renders
its ``data`` in the reader's language) from its ``AppConfig.ready()``, so a new kind needs no
change or migration here::

    register_event_kind("visit", _("On-site visit"), template="dispatch/timeline/visit.html")
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from .kinds import EventKindSpec, event_kind, register_event_kind
from .models import Ticket, TicketEvent
from .signals import ticket_milestone

__all__ = [
    "EventKindSpec",
    "event_kind",
    "register_event_kind",
    "ticket_lock",
    "event_record",
    "event_record_many",
    "NewEvent",
    "milestone_record",
]

if TYPE_CHECKING:
    from accounts.models import User


class UnknownEventKind(ValueError):
    """A room wrote an event kind nobody registered: a programming error, caught in tests."""


# --- locking ----------------------------------------------------------------------------


def ticket_lock(ticket_id: int, *, related: tuple[str, ...] = ()) -> Ticket:
    """Lock the case row for the rest of the transaction: every write on a case queues behind the one before.

    ``related`` joins what the caller reads (device, product, site) in the same query; only the
    case row is locked (``of=("self",)``: PostgreSQL refuses to lock the nullable side of a join).
    """
    queryset = Ticket.objects.select_for_update(of=("self",))
    if related:
        queryset = queryset.select_related(*related)
    return queryset.get(pk=ticket_id)


# --- writing the timeline -----------------------------------------------------------------


def _ensure_known(kind: str) -> None:
    if event_kind(kind) is None:
        raise UnknownEventKind(f"timeline event kind {kind!r} is not registered (tickets.events.register_event_kind)")


def event_record(
    *,
    ticket: Ticket | int,
    kind: str,
    actor: User | None = None,
    body: str = "",
    is_public: bool = False,
    data: dict[str, Any] | None = None,
    from_status: str = "",
    to_status: str = "",
    touch: bool = True,
) -> TicketEvent:
    """Put one entry on the case's timeline, in the caller's transaction.

    ``touch`` moves the case's ``updated_at`` to the event (the queue sorts by it); bookkeeping
    entries that are not news about the case (the SLA's) pass ``touch=False``.
    """
    _ensure_known(kind)
    ticket_id = ticket if isinstance(ticket, int) else ticket.pk
    event = TicketEvent.objects.create(
        ticket_id=ticket_id,
        kind=kind,
        actor=actor,
        body=body.strip(),
        is_public=is_public,
        data=dict(data or {}),
        from_status=from_status,
        to_status=to_status,
    )
    if touch:
        Ticket.objects.filter(pk=ticket_id).update(updated_at=event.created_at)
        if isinstance(ticket, Ticket):
            ticket.updated_at = event.created_at
    return event


@dataclass
class NewEvent:
    """One entry for ``event_record_many``."""

    ticket_id: int
    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    is_public: bool = False
    actor_id: int | None = None


def event_record_many(events: list[NewEvent]) -> None:
    """Many entries in one statement (the SLA sweep records thousands at once); does not touch the cases."""
    for e in events:
        _ensure_known(e.kind)
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket_id=e.ticket_id,
                kind=e.kind,
                data=e.data,
                body=e.body.strip(),
                is_public=e.is_public,
                actor_id=e.actor_id,
            )
            for e in events
        ],
        batch_size=1000,
    )


# --- milestones -----------------------------------------------------------------------------


@transaction.atomic
def milestone_record(
    *, ticket_id: int, milestone: str, actor: User | None = None, at: dt.datetime | None = None
) -> Ticket:
    """Tell the rooms that time a case that ``milestone`` (a ``lifecycle.Milestone``) happened at ``at``.

    The case is locked and ``ticket_milestone`` sent inside this transaction, so a receiver's writes
    (the SLA stopping and starting clocks) commit or roll back with the caller's.
    """
    ticket = ticket_lock(ticket_id, related=("device",))
    ticket_milestone.send(sender=Ticket, ticket=ticket, milestone=milestone, actor=actor, at=at or timezone.now())
    return ticket
