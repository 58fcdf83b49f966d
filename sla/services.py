"""SLA writes other code calls: record a start/stop event, the sweep, its notices.

The database is the source of truth: every running clock carries its next due moment in an
indexed column, the sweep reads only what is due, and each warning and breach is claimed with
a conditional UPDATE, so two sweeps running at once (a slow one overlapping the next, or two
workers) record and notify it once.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from core.links import absolute_url
from notices.services import NoticeDraft, notice_send_many
from tickets.events import NewEvent, event_record_many, milestone_record
from tickets.models import Ticket

from . import clocks
from .models import ClockState, NotificationKind, SlaClock
from .notices import KINDS

logger = logging.getLogger(__name__)

DEFAULT_ESCALATION = {
    NotificationKind.WARNING: ["manager"],
    NotificationKind.BREACH: ["manager", "project_manager"],
}


# --- recording a warning or a breach --------------------------------------------------------


def _recipients(kind: str) -> list[User]:
    roles = getattr(settings, "SLA_ESCALATION", DEFAULT_ESCALATION).get(kind, [])
    return list(User.objects.filter(is_active=True, groups__name__in=roles).distinct().order_by("pk"))


def _notify(rows: list[tuple[SlaClock, str, int]], recipients: dict[str, list[User]]) -> None:
    """Write the notices for newly recorded warnings/breaches; the outbox sends them after commit.

    One insert for the whole batch, and its delivery queued 100 notices per message (notices.services).
    """
    cases = {
        t["pk"]: t
        for t in Ticket.objects.filter(pk__in={clock.ticket_id for clock, _, _ in rows}).values(
            "pk", "reference", "subject"
        )
    }
    drafts = []
    for clock, kind, level in rows:
        case = cases[clock.ticket_id]
        drafts.append(
            NoticeDraft(
                kind=KINDS[kind].key,
                recipients=recipients[kind],
                data={
                    "reference": case["reference"],
                    "subject": case["subject"],
                    "clock": clock.pk,
                    "target": clock.kind,
                    "deadline": clock.deadline.isoformat(),
                    "level": level,
                },
                link=absolute_url("tickets:case", case["reference"]),
                ticket_id=clock.ticket_id,
                subject_ref=f"{case['reference']} {case['subject']}",
                # One per clock, kind and threshold (and recipient): a second sweep cannot notify twice.
                dedupe_key=f"sla:{clock.pk}:{kind}:{level}",
            )
        )
    notice_send_many(drafts)


def _record(rows: list[tuple[SlaClock, str, int]], now: dt.datetime) -> None:
    """Timeline events and notices for claimed warnings/breaches (in the caller's transaction)."""
    events = []
    for clock, kind, level in rows:
        at = clock.deadline if kind == NotificationKind.BREACH else now
        data = clocks.event_data(clock, kind, at, level=level)
        events.append(NewEvent(ticket_id=clock.ticket_id, kind=clocks.SLA_EVENT, data=data))
    event_record_many(events)
    recipients = {kind: _recipients(kind) for kind in {k for _, k, _ in rows}}
    _notify(rows, recipients)


def breach_record(clock: SlaClock) -> bool:
    """Claim and record the breach of ``clock``, dated at its deadline (sla/RULES.md, R4). False if already recorded."""
    claimed = SlaClock.objects.filter(pk=clock.pk, breached_at=None).update(
        breached_at=clock.deadline, next_due_at=None
    )
    if claimed != 1:
        return False  # someone else got there first
    clock.breached_at = clock.deadline
    _record([(clock, NotificationKind.BREACH, 100)], timezone.now())
    return True


# --- the sweep --------------------------------------------------------------------------------


@dataclass
class SweepResult:
    warnings: int = 0
    breaches: int = 0


def _claim_breaches(ids: list[int]) -> set[int]:
    """Claim the breaches of a batch in one conditional UPDATE; RETURNING says which this sweep got.

    Only a clock still running and not yet breached is claimed, so a breach is recorded once even
    if another sweep (or a stop) got to some of these clocks first.
    """
    if not ids:
        return set()
    table = connection.ops.quote_name(SlaClock._meta.db_table)
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET breached_at = deadline, next_due_at = NULL "
            f"WHERE id IN ({placeholders}) AND breached_at IS NULL AND state = %s RETURNING id",
            [*ids, ClockState.RUNNING],
        )
        return {row[0] for row in cursor.fetchall()}


def _sweep_batch(now: dt.datetime, batch_size: int, result: SweepResult) -> int:
    with transaction.atomic():
        due = SlaClock.objects.filter(next_due_at__lte=now).order_by("next_due_at")
        if connection.features.has_select_for_update_skip_locked:
            # Two sweepers split the due clocks instead of queueing behind each other.
            due = due.select_for_update(skip_locked=True)
        batch = list(
            due.only(
                "ticket_id", "kind", "state", "deadline", "warn_schedule", "warning_level", "breached_at", "provisional"
            )[:batch_size]
        )
        rows: list[tuple[SlaClock, str, int]] = []
        overdue = [c for c in batch if c.breached_at is None and c.deadline <= now]
        breached_ids = _claim_breaches([c.pk for c in overdue])
        for clock in overdue:
            if clock.pk in breached_ids:
                # The breach is the deadline's, not the sweep's (sla/RULES.md, R4).
                clock.breached_at = clock.deadline
                rows.append((clock, NotificationKind.BREACH, 100))
                result.breaches += 1
        overdue_ids = {c.pk for c in overdue}
        for clock in batch:
            if clock.pk in overdue_ids:
                continue
            level = clocks.passed_warning(clock, now)
            if level:
                clock_after = SlaClock(
                    state=clock.state,
                    deadline=clock.deadline,
                    warn_schedule=clock.warn_schedule,
                    warning_level=level,
                    breached_at=clock.breached_at,
                )
                # Only the highest passed threshold is recorded, once.
                claimed = SlaClock.objects.filter(
                    pk=clock.pk, warning_level__lt=level, state=ClockState.RUNNING
                ).update(warning_level=level, next_due_at=clocks.next_due(clock_after))
                if claimed == 1:
                    clock.warning_level = level
                    rows.append((clock, NotificationKind.WARNING, level))
                    result.warnings += 1
                continue
            # Not due after all (a stale moment): put the right one back.
            SlaClock.objects.filter(pk=clock.pk, state=ClockState.RUNNING).update(next_due_at=clocks.next_due(clock))
        if rows:
            _record(rows, now)
    return len(batch)


def sla_check_due(now: dt.datetime | None = None, *, batch_size: int = 1000) -> SweepResult:
    """Record every warning and breach due by ``now`` exactly once and write their notices.

    Notices that never left (broker down, worker lost) are the outbox's beat's to queue again.
    """
    now = now or timezone.now()
    result = SweepResult()
    while _sweep_batch(now, batch_size, result) == batch_size:
        pass
    return result


# --- what other apps call ---------------------------------------------------------------------


def sla_record_event(*, ticket_id: int, event: str, actor: User | None = None, at: dt.datetime | None = None) -> None:
    """Start and stop the case's clocks for ``event``. Other rooms report it as a milestone
    (``tickets.events.milestone_record``), which reaches ``clocks_on_milestone`` in sla.receivers."""
    milestone_record(ticket_id=ticket_id, milestone=event, actor=actor, at=at)


def sla_policy_reapply(*, policy_id: int, actor: User | None) -> int:
    """Move the open clocks of a policy onto its current terms (the manager's explicit choice, sla/RULES.md, R7)."""
    from .models import SlaPolicy

    return clocks.clocks_reapply_policy(policy=SlaPolicy.objects.get(pk=policy_id), actor=actor)
