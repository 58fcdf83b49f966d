"""SLA reads, shaped for the case page, the dashboard and the API."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from tickets.access import tickets_visible_to
from tickets.models import Ticket

from .models import OPEN_CLOCK_STATES, ClockState, SlaClock


def clock_list_for_ticket(ticket: Ticket) -> QuerySet[SlaClock]:
    """The case's clocks, for the case page and the API's ticket detail (staff only: clocks are internal)."""
    return SlaClock.objects.filter(ticket=ticket).order_by("started_at", "pk")


def clock_list_for_user(user: User) -> QuerySet[SlaClock]:
    return SlaClock.objects.filter(ticket__in=tickets_visible_to(user).values("pk")).select_related("ticket")


def clock_list_at_risk(user: User) -> QuerySet[SlaClock]:
    """Open clocks not yet breached, least time left first (the dashboard's at-risk list)."""
    return (
        clock_list_for_user(user)
        .filter(state__in=OPEN_CLOCK_STATES, breached_at__isnull=True)
        .select_related("ticket__assignee", "ticket__organisation")
        .order_by("deadline", "pk")
    )


def clock_list_breached(user: User) -> QuerySet[SlaClock]:
    """Breached clocks still open (overdue now), most overdue first."""
    return (
        clock_list_for_user(user)
        .filter(state__in=OPEN_CLOCK_STATES, breached_at__isnull=False)
        .select_related("ticket__assignee", "ticket__organisation")
        .order_by("deadline", "pk")
    )


def time_left(clock: SlaClock, now: dt.datetime | None = None) -> dt.timedelta:
    """Negative when overdue. A paused clock's time left is frozen at its pause."""
    now = clock.paused_at or now or timezone.now()
    return clock.deadline - now


def _percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def compliance(user: User, since: dt.datetime, until: dt.datetime, by: str | None = None) -> list[dict]:
    """Per target (and optionally per engineer/organisation/product/priority): clocks stopped in the
    period, % met, median and 90th percentile of the time to stop (real time, in seconds)."""
    group_field = {
        None: None,
        "engineer": "ticket__assignee__username",
        "organisation": "ticket__organisation__name",
        "product": "ticket__device__product__name",
        "priority": "ticket__priority",
    }[by]
    fields = ["kind", "state", "started_at", "stopped_at", "paused_total"]
    if group_field:
        fields.append(group_field)
    rows = (
        clock_list_for_user(user)
        .filter(stopped_at__gte=since, stopped_at__lt=until, state__in=[ClockState.MET, ClockState.BREACHED])
        .values_list(*fields)
    )
    groups: dict[tuple, list] = defaultdict(list)
    for row in rows:
        key = (row[0], row[5] if group_field else None)
        groups[key].append(row)
    result = []
    for (kind, group), items in sorted(groups.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        met = sum(1 for r in items if r[1] == ClockState.MET)
        took = [(r[3] - r[2] - r[4]).total_seconds() for r in items]
        result.append(
            {
                "target": kind,
                "group": group,
                "total": len(items),
                "met": met,
                "percent_met": round(100 * met / len(items), 1),
                "median_seconds": statistics.median(took),
                "p90_seconds": _percentile(took, 0.9),
            }
        )
    return result
