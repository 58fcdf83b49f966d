"""The SLA clock rules, written down in sla/RULES.md: start, pause, resume, stop, re-terms, and the due moments.

Callers hold the case row lock (the lifecycle's transaction); each function here also locks
the clock rows it changes, so the sweep (which skips locked rows) never writes over them.
Every change leaves an ``sla`` event on the case's timeline.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.cache import cached
from tickets.events import event_record
from tickets.models import Ticket, TicketEvent

from .calendars import DayOracle, add_duration, counted_between, subtract_duration
from .models import OPEN_CLOCK_STATES, ClockEvent, ClockState, SlaClock, SlaPolicy, SlaTarget

logger = logging.getLogger(__name__)

# The timeline entry kind of every clock change (registered in SlaConfig.ready).
SLA_EVENT = "sla"


# --- choosing the terms -----------------------------------------------------------------


POLICY_CACHE_KEY = "sla:active-policies"
# Every new case reads the policies; editing a policy, target or calendar clears the cached list
# (sla.receivers). With a per-process cache (no Redis) other processes see an edit within this.
POLICY_CACHE_SECONDS = 60


def active_policies() -> list[SlaPolicy]:
    """Every active policy with its targets, calendars and working hours, cached."""
    return cached(
        POLICY_CACHE_KEY,
        lambda: list(SlaPolicy.objects.filter(is_active=True).prefetch_related("targets__calendar__working_hours")),
        POLICY_CACHE_SECONDS,
    )


def policy_list_for_ticket(ticket: Ticket) -> list[SlaPolicy]:
    """Active policies matching the case, most specific first, the default policy last."""
    today = timezone.localdate()
    device = ticket.device if ticket.device_id else None
    in_warranty = bool(device is not None and device.in_warranty(today))
    contract_ids: set[int] = set()
    if ticket.organisation_id:
        from warranty.models import ServiceContract

        covers = Q(organisation_id=ticket.organisation_id)
        if ticket.device_id:
            # Only with a device: ``devices=None`` would match every contract that lists no devices,
            # other organisations' included.
            covers |= Q(devices=ticket.device_id)
        contracts = ServiceContract.objects.filter(starts_on__lte=today, ends_on__gte=today).filter(covers)
        contract_ids = set(contracts.values_list("pk", flat=True))
    matching = [
        p
        for p in active_policies()
        if p.contract_id in (None, *contract_ids)
        and p.organisation_id in (None, ticket.organisation_id)
        and p.priority in ("", ticket.priority)
        and p.category in ("", ticket.category)
        and (p.device_in_warranty is None or p.device_in_warranty == in_warranty)
    ]
    specific = [p for p in matching if not p.is_default or p.specificity]
    defaults = [p for p in matching if p.is_default and not p.specificity]
    specific.sort(key=lambda p: (-p.specificity, p.pk))
    return specific + defaults


def targets_for_ticket(ticket: Ticket) -> dict[str, SlaTarget]:
    """For each target kind, the target of the most specific matching policy that has one."""
    chosen: dict[str, SlaTarget] = {}
    for policy in policy_list_for_ticket(ticket):
        for target in policy.targets.all():
            chosen.setdefault(target.kind, target)
    return chosen


# --- deadlines and due moments ------------------------------------------------------------


def _schedule(clock: SlaClock, oracle: DayOracle) -> None:
    """Compute the deadline, the warning moments and next_due_at from the clock's base."""
    clock.deadline, clock.provisional = add_duration(clock.calendar, clock.base_at, clock.base_duration, oracle=oracle)
    # A threshold's moment is when the counted time left equals the share of the duration not
    # yet used; counted backwards from the deadline, it survives pauses and moved deadlines.
    clock.warn_schedule = [
        [
            p,
            subtract_duration(
                clock.calendar, clock.deadline, clock.duration * (100 - p) / 100, oracle=oracle
            ).isoformat(),
        ]
        for p in sorted(clock.warn_thresholds)
    ]
    clock.next_due_at = next_due(clock)


def next_due(clock: SlaClock) -> dt.datetime | None:
    """The next moment the sweep must look at this clock, or None if it cannot fall due."""
    if clock.state != ClockState.RUNNING or clock.breached_at is not None:
        return None
    moments = [dt.datetime.fromisoformat(t) for p, t in clock.warn_schedule if p > clock.warning_level]
    return min([*moments, clock.deadline])


def passed_warning(clock: SlaClock, now: dt.datetime) -> int:
    """The highest threshold passed by ``now`` and not yet recorded (0 if none): only the higher one counts."""
    passed = [p for p, t in clock.warn_schedule if p > clock.warning_level and dt.datetime.fromisoformat(t) <= now]
    return max(passed, default=0)


# --- the timeline -------------------------------------------------------------------------


def event_data(clock: SlaClock, what: str, at: dt.datetime, **extra) -> dict:
    return {
        "sla": what,
        "clock": clock.pk,
        "target": clock.kind,
        "at": at.isoformat(),
        "deadline": clock.deadline.isoformat(),
        "provisional": clock.provisional,
        **extra,
    }


def _event(clock: SlaClock, what: str, at: dt.datetime, actor=None, **extra) -> TicketEvent:
    return event_record(
        ticket=clock.ticket_id,
        kind=SLA_EVENT,
        actor=actor,
        is_public=False,
        data=event_data(clock, what, at, **extra),
        touch=False,  # bookkeeping, not news about the case
    )


def _open_clocks(ticket: Ticket, **filters) -> list[SlaClock]:
    return list(
        SlaClock.objects.select_for_update(of=("self",))
        .select_related("calendar")
        .filter(ticket=ticket, state__in=OPEN_CLOCK_STATES, **filters)
        .order_by("pk")
    )


# --- the rules ----------------------------------------------------------------------------


def clocks_start(*, ticket: Ticket, event: str, at: dt.datetime, actor=None, new_case: bool = False) -> list[SlaClock]:
    """Start a clock for each of the case's targets that starts at ``event`` (once per case and target)."""
    targets = [t for t in targets_for_ticket(ticket).values() if t.start_event == event]
    if not targets:
        return []
    # A case that was just created has no clocks yet: skip the read on the busiest write.
    existing = set() if new_case else set(SlaClock.objects.filter(ticket=ticket).values_list("kind", flat=True))
    oracle = DayOracle()
    started = []
    for target in targets:
        if target.kind in existing:
            continue
        clock = SlaClock(
            ticket=ticket,
            kind=target.kind,
            policy_id=target.policy_id,
            target=target,
            duration=target.duration,
            calendar=target.calendar,
            stop_event=target.stop_event,
            pause_statuses=list(target.pause_statuses),
            warn_thresholds=list(target.warn_thresholds),
            started_at=at,
            base_at=at,
            base_duration=target.duration,
        )
        _schedule(clock, oracle)
        clock.save()
        _event(clock, "started", at, actor, policy=target.policy.name, duration=target.duration.total_seconds())
        if ticket.status in clock.pause_statuses:
            _pause(clock, at)
        started.append(clock)
    return started


def _pause(clock: SlaClock, at: dt.datetime) -> None:
    clock.state, clock.paused_at, clock.next_due_at = ClockState.PAUSED, at, None
    clock.save(update_fields=["state", "paused_at", "next_due_at", "updated_at"])
    _event(clock, "paused", at)


def _resume(clock: SlaClock, since: dt.datetime, at: dt.datetime, oracle: DayOracle, what: str = "resumed") -> None:
    """Give back the time the calendar counted from ``since`` to ``at`` (sla/RULES.md, R3)."""
    gap, provisional = counted_between(clock.calendar, since, at, oracle=oracle)
    clock.base_duration += gap
    clock.paused_total += gap
    clock.state, clock.paused_at, clock.stopped_at, clock.stopped_by = ClockState.RUNNING, None, None, ""
    _schedule(clock, oracle)
    clock.provisional |= provisional
    clock.save()
    _event(clock, what, at, given_back=gap.total_seconds())


def clocks_pause(*, ticket: Ticket, status: str, at: dt.datetime) -> None:
    for clock in _open_clocks(ticket, state=ClockState.RUNNING):
        if status in clock.pause_statuses:
            _pause(clock, at)


def clocks_resume(*, ticket: Ticket, status: str, at: dt.datetime) -> None:
    oracle = DayOracle()
    for clock in _open_clocks(ticket, state=ClockState.PAUSED):
        if status not in clock.pause_statuses and clock.paused_at is not None:  # a paused clock has its moment
            _resume(clock, clock.paused_at, at, oracle)


def _stop(clock: SlaClock, at: dt.datetime, by: str, actor=None) -> None:
    """Stop and judge a clock. Stopped while paused, it is judged on the time before the pause (sla/RULES.md, R5)."""
    effective = clock.paused_at if clock.state == ClockState.PAUSED and clock.paused_at is not None else at
    late = effective > clock.deadline
    if late and clock.breached_at is None:
        # Nobody swept it in time (or the broker was down): the breach is still the deadline's.
        from .services import breach_record

        breach_record(clock)
    clock.refresh_from_db(fields=["breached_at", "warning_level"])
    clock.state = ClockState.BREACHED if late or clock.breached_at else ClockState.MET
    clock.stopped_at, clock.stopped_by, clock.paused_at, clock.next_due_at = effective, by, None, None
    clock.save(update_fields=["state", "stopped_at", "stopped_by", "paused_at", "next_due_at", "updated_at"])
    _event(clock, "stopped", at, actor, outcome=clock.state, stopped_at=effective.isoformat(), by=by)


def clocks_stop(*, ticket: Ticket, event: str, at: dt.datetime, actor=None) -> None:
    for clock in _open_clocks(ticket, stop_event=event):
        _stop(clock, at, event, actor)


def clocks_resolved(*, ticket: Ticket, at: dt.datetime, actor=None) -> None:
    """Resolution stops every open clock; a reopen continues them (sla/RULES.md, R8)."""
    for clock in _open_clocks(ticket):
        _stop(clock, at, ClockEvent.RESOLVED, actor)


def clocks_reopened(*, ticket: Ticket, status: str, at: dt.datetime) -> None:
    """Continue the clocks the resolution stopped; the time since counts as paused (sla/RULES.md, R8)."""
    oracle = DayOracle()
    clocks = (
        SlaClock.objects.select_for_update(of=("self",))
        .select_related("calendar")
        .filter(ticket=ticket, stopped_by=ClockEvent.RESOLVED, state__in=[ClockState.MET, ClockState.BREACHED])
    )
    for clock in clocks:
        if clock.stopped_at is None:  # not reachable: a met or breached clock has stopped
            continue
        _resume(clock, clock.stopped_at, at, oracle, what="reopened")
        if status in clock.pause_statuses:
            _pause(clock, at)


def clocks_cancel(*, ticket: Ticket, at: dt.datetime, actor=None) -> None:
    """A cancelled case's open clocks count neither as met nor as breached (a breach already recorded stays)."""
    for clock in _open_clocks(ticket):
        clock.state, clock.stopped_at, clock.stopped_by, clock.next_due_at = ClockState.CANCELLED, at, "cancelled", None
        clock.save(update_fields=["state", "stopped_at", "stopped_by", "next_due_at", "updated_at"])
        _event(clock, "cancelled", at, actor)


def clocks_first_response(*, ticket: Ticket, actor=None) -> None:
    """The first public staff reply (``ticket.first_response_at``) stops the clocks waiting for it."""
    if ticket.first_response_at is not None:
        clocks_stop(ticket=ticket, event=ClockEvent.FIRST_PUBLIC_REPLY, at=ticket.first_response_at, actor=actor)


def clocks_retarget(*, ticket: Ticket, at: dt.datetime, actor=None) -> None:
    """After a priority, category or device change: deadline = min(old, change + new target) (sla/RULES.md, R6).

    A clock whose deadline moves takes the new target's terms; a breach already recorded is never removed.
    """
    targets = targets_for_ticket(ticket)
    oracle = DayOracle()
    for clock in _open_clocks(ticket):
        target = targets.get(clock.kind)
        if target is None:
            continue
        # A paused clock counts nothing now; the change takes effect from the pause, and the resume gives the pause back.
        from_at = clock.paused_at or at
        candidate, _ = add_duration(target.calendar, from_at, target.duration, oracle=oracle)
        if candidate >= clock.deadline:
            continue
        old = clock.deadline
        clock.policy_id, clock.target, clock.calendar = target.policy_id, target, target.calendar
        clock.duration, clock.stop_event = target.duration, target.stop_event
        clock.pause_statuses, clock.warn_thresholds = list(target.pause_statuses), list(target.warn_thresholds)
        clock.base_at, clock.base_duration = from_at, target.duration
        _schedule(clock, oracle)
        if clock.state == ClockState.PAUSED:
            clock.next_due_at = None
        clock.save()
        _event(clock, "retargeted", at, actor, old_deadline=old.isoformat(), policy=target.policy.name)


def clocks_reapply_policy(*, policy: SlaPolicy, actor=None) -> int:
    """A manager's explicit choice: open clocks of ``policy`` take its current terms (sla/RULES.md, R7).

    The new deadline counts the new duration from the clock's start, plus the pauses so far.
    """
    now = timezone.now()
    oracle = DayOracle()
    targets = {t.kind: t for t in policy.targets.select_related("calendar")}
    changed = 0
    with transaction.atomic():
        clocks = SlaClock.objects.select_for_update(of=("self",)).filter(policy=policy, state__in=OPEN_CLOCK_STATES)
        for clock in clocks:
            target = targets.get(clock.kind)
            if target is None:
                continue
            old = clock.deadline
            clock.target, clock.calendar, clock.duration = target, target.calendar, target.duration
            clock.stop_event = target.stop_event
            clock.pause_statuses, clock.warn_thresholds = list(target.pause_statuses), list(target.warn_thresholds)
            clock.base_at, clock.base_duration = clock.started_at, target.duration + clock.paused_total
            _schedule(clock, oracle)
            if clock.state == ClockState.PAUSED:
                clock.next_due_at = None
            clock.save()
            _event(clock, "reapplied", now, actor, old_deadline=old.isoformat(), policy=policy.name)
            changed += 1
    return changed


def clocks_recompute(clocks: Iterable[SlaClock]) -> int:
    """Recompute deadlines from their base after a year's schedule is entered or a day corrected (sla/RULES.md, R9)."""
    oracle = DayOracle()
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        ids = [c.pk for c in clocks]
        for clock in SlaClock.objects.select_for_update(of=("self",)).select_related("calendar").filter(pk__in=ids):
            old, was_provisional = clock.deadline, clock.provisional
            _schedule(clock, oracle)
            if clock.state == ClockState.PAUSED:
                clock.next_due_at = None
            if (clock.deadline, clock.provisional) == (old, was_provisional):
                continue
            clock.save()
            _event(clock, "recomputed", now, old_deadline=old.isoformat())
            changed += 1
    return changed


def clocks_recompute_provisional() -> int:
    return clocks_recompute(SlaClock.objects.filter(provisional=True, state__in=OPEN_CLOCK_STATES))
