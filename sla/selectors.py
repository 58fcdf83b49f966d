"""SLA reads, shaped for the case page, the dashboard and the API."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import User
from tickets.access import ticket_visibility_q
from tickets.models import Ticket

from .models import OPEN_CLOCK_STATES, ClockState, SlaClock

# The dashboard's breakdowns: the case field each one groups by.
GROUP_FIELDS = {
    "engineer": "ticket__assignee__username",
    "organisation": "ticket__organisation__name",
    "product": "ticket__device__product__name",
    "priority": "ticket__priority",
}
JUDGED_STATES = (ClockState.MET, ClockState.BREACHED)


def clock_list_for_ticket(ticket: Ticket) -> QuerySet[SlaClock]:
    """The case's clocks, for the case page and the API's ticket detail (staff only: clocks are internal)."""
    return SlaClock.objects.filter(ticket=ticket).order_by("started_at", "pk")


def clock_list_for_user(user: User) -> QuerySet[SlaClock]:
    """Clocks of the cases ``user`` may see (tickets.access). Supervisors see all: no subquery over every case."""
    q = ticket_visibility_q(user)
    clocks = SlaClock.objects.select_related("ticket")
    return clocks if q is None else clocks.filter(ticket__in=Ticket.objects.filter(q).values("pk"))


def clock_counts_open(user: User) -> dict[str, int]:
    """How many open clocks are not yet breached (at risk) and how many are past their deadline.

    Two counts, each answered from its partial index (sla_clock_at_risk_idx, sla_clock_overdue_idx).
    """
    open_clocks = clock_list_for_user(user).filter(state__in=OPEN_CLOCK_STATES)
    return {
        "at_risk": open_clocks.filter(breached_at__isnull=True).count(),
        "breached": open_clocks.filter(breached_at__isnull=False).count(),
    }


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


def clock_list_judged(
    user: User,
    since: dt.datetime,
    until: dt.datetime,
    *,
    target: str | None = None,
    outcome: str | None = None,
    by: str | None = None,
    group: str | None = None,
) -> QuerySet[SlaClock]:
    """Clocks met or breached (stopped) in [since, until): the cases behind a compliance figure.

    With ``by``, only the clocks of that ``group`` (``None``: cases without one, e.g. unassigned).
    """
    clocks = clock_list_for_user(user).filter(stopped_at__gte=since, stopped_at__lt=until, state__in=JUDGED_STATES)
    if target:
        clocks = clocks.filter(kind=target)
    if outcome:
        clocks = clocks.filter(state=outcome)
    if by:
        field = GROUP_FIELDS[by]
        clocks = clocks.filter(**{field: group}) if group is not None else clocks.filter(**{f"{field}__isnull": True})
    return clocks


def compliance(user: User, since: dt.datetime, until: dt.datetime, by: str | None = None) -> list[dict]:
    """Per target (and optionally per engineer/organisation/product/priority): clocks stopped in the
    period, % met, median and 90th percentile of the time to stop (real time, in seconds)."""
    group_field = GROUP_FIELDS[by] if by else None
    fields = ["kind", "state", "started_at", "stopped_at", "paused_total"]
    if group_field:
        fields.append(group_field)
    rows = clock_list_judged(user, since, until).order_by().values_list(*fields)
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


def compliance_trend(user: User, since: dt.datetime, until: dt.datetime) -> list[dict]:
    """Met and breached clocks per day (in the current time zone) of [since, until), days without any included."""
    tz = timezone.get_current_timezone()
    counts = (
        clock_list_judged(user, since, until)
        .annotate(day=TruncDate("stopped_at", tzinfo=tz))
        .values("day", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_day: dict[dt.date, dict[str, int]] = defaultdict(dict)
    for row in counts:
        by_day[row["day"]][row["state"]] = row["n"]
    first, last = (
        timezone.localtime(since, tz).date(),
        timezone.localtime(until - dt.timedelta(microseconds=1), tz).date(),
    )
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    return [
        {"day": d, "met": by_day[d].get(ClockState.MET, 0), "breached": by_day[d].get(ClockState.BREACHED, 0)}
        for d in days
    ]
