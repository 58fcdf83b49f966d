"""Calendar arithmetic: which time a clock counts, and when a counted duration ends.

Three kinds of calendar (``CalendarKind``):

- 7×24: every second counts. Durations are added to UTC instants, so a day across a DST
  change is still 24 real hours (sla/RULES.md, R1).
- working days: whole working days count, in the calendar's local wall time. "N working
  days" therefore ends at the same clock time on the N-th working day after the start day,
  and a start on a day off counts from 00:00 of the next working day (sla/RULES.md, R2).
- working hours: the spans of each weekday's working hours, on working days only (sla/RULES.md, R16).

Working days follow China's official calendar (public holidays and adjusted working
weekends, 调休) from ``chinese_calendar``; administrator-entered ``CalendarDay`` rows win
over the library. For a year the library does not know yet and no administrator has
confirmed, days fall back to weekends plus statutory holidays (from ``holidays``) and every
result that looked at such a day is marked provisional (sla/RULES.md, R9 and R15).

Deadlines come back as aware UTC datetimes.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import chinese_calendar
import holidays

from .models import Calendar, CalendarDay, CalendarKind, CalendarYear

UTC = dt.UTC
# No real calendar has ten years without a counted second; a bad configuration (working hours
# with no spans) must fail loudly instead of looping forever.
MAX_DAYS = 3660
ONE_DAY = dt.timedelta(days=1)
ZERO = dt.timedelta(0)

Span = tuple[dt.time, dt.time]


@dataclass(frozen=True)
class CalendarSpec:
    """What the arithmetic needs to know about a calendar (built from a ``Calendar`` or by hand in tests)."""

    kind: str = CalendarKind.ALWAYS
    time_zone: str = "Asia/Shanghai"
    follow_china_calendar: bool = True
    # Monday=0 … Sunday=6 → the working spans of that weekday.
    hours: dict[int, tuple[Span, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, calendar: Calendar | CalendarSpec) -> CalendarSpec:
        if isinstance(calendar, CalendarSpec):
            return calendar
        hours: dict[int, list[Span]] = {}
        if calendar.kind == CalendarKind.WORKING_HOURS:
            for wh in calendar.working_hours.all():
                hours.setdefault(wh.weekday, []).append((wh.starts, wh.ends))
        return cls(
            kind=calendar.kind,
            time_zone=calendar.time_zone,
            follow_china_calendar=calendar.follow_china_calendar,
            hours={d: tuple(sorted(s)) for d, s in hours.items()},
        )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


# --- which days are working days ----------------------------------------------------------


@functools.cache
def library_knows(year: int) -> bool:
    """Whether ``chinese_calendar`` has the official schedule of ``year``."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@functools.cache
def statutory_holidays(year: int) -> frozenset[dt.date]:
    """The statutory public holidays of ``year`` without the adjusted days (not known before publication)."""
    return frozenset(holidays.China(years=year, observed=False))


class DayOracle:
    """Says whether a date is a working day under China's calendar, and whether that is official.

    Administrator days and confirmed years are read from the database once per year asked;
    tests pass them in directly.
    """

    def __init__(self, overrides: dict[dt.date, bool] | None = None, confirmed_years: Iterable[int] | None = None):
        self._from_db = overrides is None
        self._overrides: dict[dt.date, bool] = dict(overrides or {})
        self._loaded_years: set[int] = set()
        self._confirmed = set(confirmed_years) if confirmed_years is not None else None

    def _load(self, year: int) -> None:
        if not self._from_db or year in self._loaded_years:
            return
        self._loaded_years.add(year)
        self._overrides.update(CalendarDay.objects.filter(date__year=year).values_list("date", "is_working"))

    def confirmed(self, year: int) -> bool:
        if self._confirmed is None:
            self._confirmed = set(CalendarYear.objects.values_list("year", flat=True)) if self._from_db else set()
        return year in self._confirmed

    def is_working(self, day: dt.date) -> tuple[bool, bool]:
        """(is a working day, the answer is provisional)."""
        self._load(day.year)
        if day in self._overrides:
            return self._overrides[day], False
        if library_knows(day.year):
            return chinese_calendar.is_workday(day), False
        # Without the library: weekends and statutory holidays, estimated until an administrator
        # confirms the year (having entered its adjusted days and extra days off as overrides).
        return day.weekday() < 5 and day not in statutory_holidays(day.year), not self.confirmed(day.year)


def unofficial_years(years: Iterable[int] | None = None) -> list[int]:
    """Years whose working days are only estimated (for the administrators' warning banner).

    By default this year and next, in the service's time zone: the next year's schedule is
    published late in the year, and deadlines reach into it before then.
    """
    if years is None:
        from django.utils import timezone

        this_year = timezone.localdate().year
        years = (this_year, this_year + 1)
    confirmed = set(CalendarYear.objects.values_list("year", flat=True))
    return [y for y in sorted(set(years)) if not library_knows(y) and y not in confirmed]


# --- counted spans ----------------------------------------------------------------------


def _spans(spec: CalendarSpec, oracle: DayOracle, day: dt.date) -> tuple[list[tuple[dt.datetime, dt.datetime]], bool]:
    """The counted spans of ``day`` in naive local wall time, and whether that is provisional."""
    if spec.follow_china_calendar:
        working, provisional = oracle.is_working(day)
    else:
        working = day.weekday() < 5 if spec.kind == CalendarKind.WORKING_DAYS else bool(spec.hours.get(day.weekday()))
        provisional = False
    if not working:
        return [], provisional
    midnight = dt.datetime.combine(day, dt.time())
    if spec.kind == CalendarKind.WORKING_DAYS:
        return [(midnight, midnight + ONE_DAY)], provisional
    # An adjusted working weekend has no hours of its own: it works a Monday's hours.
    hours = spec.hours.get(day.weekday()) or spec.hours.get(0, ())
    return [(dt.datetime.combine(day, a), dt.datetime.combine(day, b)) for a, b in hours], provisional


def _local(spec: CalendarSpec, instant: dt.datetime) -> dt.datetime:
    if instant.tzinfo is None:
        raise ValueError("calendar arithmetic needs aware datetimes")
    return instant.astimezone(spec.tz).replace(tzinfo=None)


def _utc(spec: CalendarSpec, local: dt.datetime) -> dt.datetime:
    return local.replace(tzinfo=spec.tz).astimezone(UTC)


def add_duration(
    calendar: Calendar | CalendarSpec, start: dt.datetime, duration: dt.timedelta, *, oracle: DayOracle | None = None
) -> tuple[dt.datetime, bool]:
    """The instant at which ``duration`` of counted time after ``start`` has passed: (deadline in UTC, provisional)."""
    if duration < ZERO:
        raise ValueError("a duration cannot be negative")
    spec = CalendarSpec.of(calendar)
    if spec.kind == CalendarKind.ALWAYS:
        return start.astimezone(UTC) + duration, False
    oracle = oracle or DayOracle()
    local = _local(spec, start)
    remaining, provisional, day = duration, False, local.date()
    for _ in range(MAX_DAYS):
        spans, prov = _spans(spec, oracle, day)
        provisional |= prov
        for a, b in spans:
            a = max(a, local)
            if b <= a:
                continue
            if remaining == ZERO and spec.kind == CalendarKind.WORKING_DAYS:
                # Used up exactly at a day's end: the deadline is the start of the next working day.
                return _utc(spec, a), provisional
            if remaining < b - a or (remaining == b - a and spec.kind != CalendarKind.WORKING_DAYS):
                return _utc(spec, a + remaining), provisional
            remaining -= b - a
        day += ONE_DAY
    raise ValueError(f"calendar {calendar} counts no time within {MAX_DAYS} days")


def subtract_duration(
    calendar: Calendar | CalendarSpec, end: dt.datetime, duration: dt.timedelta, *, oracle: DayOracle | None = None
) -> dt.datetime:
    """The latest instant from which ``duration`` of counted time reaches ``end`` (for warning thresholds)."""
    if duration < ZERO:
        raise ValueError("a duration cannot be negative")
    spec = CalendarSpec.of(calendar)
    if spec.kind == CalendarKind.ALWAYS:
        return end.astimezone(UTC) - duration
    oracle = oracle or DayOracle()
    local = _local(spec, end)
    remaining, day = duration, local.date()
    for _ in range(MAX_DAYS):
        spans, _prov = _spans(spec, oracle, day)
        for a, b in reversed(spans):
            b = min(b, local)
            if b <= a:
                continue
            if remaining <= b - a:
                return _utc(spec, b - remaining)
            remaining -= b - a
        day -= ONE_DAY
    raise ValueError(f"calendar {calendar} counts no time within {MAX_DAYS} days")


def counted_between(
    calendar: Calendar | CalendarSpec, a: dt.datetime, b: dt.datetime, *, oracle: DayOracle | None = None
) -> tuple[dt.timedelta, bool]:
    """The time the calendar counts from ``a`` to ``b`` (zero if ``b`` is not after ``a``), and provisional."""
    spec = CalendarSpec.of(calendar)
    if b <= a:
        return ZERO, False
    if spec.kind == CalendarKind.ALWAYS:
        return b.astimezone(UTC) - a.astimezone(UTC), False
    oracle = oracle or DayOracle()
    la, lb = _local(spec, a), _local(spec, b)
    total, provisional, day = ZERO, False, la.date()
    while day <= lb.date():
        spans, prov = _spans(spec, oracle, day)
        provisional |= prov
        for s, e in spans:
            s, e = max(s, la), min(e, lb)
            if e > s:
                total += e - s
        day += ONE_DAY
    return total, provisional


def working_time_between(
    calendar: Calendar | CalendarSpec, a: dt.datetime, b: dt.datetime, *, oracle: DayOracle | None = None
) -> dt.timedelta:
    """The time the calendar counts from ``a`` to ``b``: what a pause between them gives back (sla/RULES.md, R3)."""
    return counted_between(calendar, a, b, oracle=oracle)[0]
