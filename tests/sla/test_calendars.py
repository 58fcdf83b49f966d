"""Calendar arithmetic: 7×24 on UTC instants, China's working days with 调休, overrides, unknown years.

Section headers name the rules of sla/RULES.md they hold.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from sla.calendars import (
    CalendarSpec,
    DayOracle,
    add_duration,
    subtract_duration,
    unofficial_years,
    working_time_between,
)
from sla.models import Calendar, CalendarDay, CalendarKind, CalendarYear, WorkingHours

SH = ZoneInfo("Asia/Shanghai")
ALWAYS = CalendarSpec(kind=CalendarKind.ALWAYS)
WORKING_DAYS = CalendarSpec(kind=CalendarKind.WORKING_DAYS)
NINE_TO_SIX = CalendarSpec(
    kind=CalendarKind.WORKING_HOURS,
    hours={d: ((dt.time(9), dt.time(12)), (dt.time(13), dt.time(18))) for d in range(5)},
)


def sh(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def oracle(**kwargs) -> DayOracle:
    # No database: no administrator days unless given.
    return DayOracle(overrides=kwargs.get("overrides", {}), confirmed_years=kwargs.get("confirmed", ()))


# --- R1: 7×24 is real elapsed time -----------------------------------------------------------


def test_seven_by_24_adds_real_hours_across_a_dst_change():
    berlin = ZoneInfo("Europe/Berlin")
    spec = CalendarSpec(kind=CalendarKind.ALWAYS, time_zone="Europe/Berlin")
    deadline, provisional = add_duration(spec, dt.datetime(2026, 3, 28, 10, tzinfo=berlin), dt.timedelta(hours=24))
    assert deadline.astimezone(berlin) == dt.datetime(2026, 3, 29, 11, tzinfo=berlin)
    assert deadline.tzinfo == dt.UTC
    assert provisional is False


def test_deadline_crossing_midnight_in_shanghai_is_stored_in_utc():
    deadline, _ = add_duration(ALWAYS, sh(2026, 3, 10, 22, 30), dt.timedelta(hours=2))
    assert deadline == dt.datetime(2026, 3, 10, 16, 30, tzinfo=dt.UTC)
    assert deadline.astimezone(SH) == sh(2026, 3, 11, 0, 30)


def test_urgent_two_hours_and_normal_24_hours_on_seven_by_24():
    start = sh(2026, 2, 17, 9)  # Spring Festival: 7×24 does not care
    assert add_duration(ALWAYS, start, dt.timedelta(hours=2))[0] == sh(2026, 2, 17, 11)
    assert add_duration(ALWAYS, start, dt.timedelta(hours=24))[0] == sh(2026, 2, 18, 9)


# --- R2, R15: N working days -----------------------------------------------------------------


def test_seven_working_days_across_national_day_2025_count_the_adjusted_weekends():
    # Fri 26 Sep → Sun 28 (调休, 1), Mon 29 (2), Tue 30 (3), 1–8 Oct off, Thu 9 (4), Fri 10 (5),
    # Sat 11 (调休, 6), Mon 13 (7).
    deadline, provisional = add_duration(WORKING_DAYS, sh(2025, 9, 26, 10), dt.timedelta(days=7), oracle=oracle())
    assert deadline.astimezone(SH) == sh(2025, 10, 13, 10)
    assert provisional is False


def test_seven_working_days_across_spring_festival_2026():
    # Thu 12 Feb → Fri 13 (1), Sat 14 (调休, 2), 15–23 Feb off, Tue 24 (3) … Fri 27 (6), Sat 28 (调休, 7).
    deadline, _ = add_duration(WORKING_DAYS, sh(2026, 2, 12, 15), dt.timedelta(days=7), oracle=oracle())
    assert deadline.astimezone(SH) == sh(2026, 2, 28, 15)


def test_three_working_days_inspection_report_ends_at_the_same_clock_time():
    deadline, _ = add_duration(WORKING_DAYS, sh(2025, 11, 5, 16, 20), dt.timedelta(days=3), oracle=oracle())
    assert deadline.astimezone(SH) == sh(2025, 11, 10, 16, 20)  # Wed → Thu, Fri, Mon


def test_clock_started_on_a_holiday_counts_from_midnight_of_the_next_working_day():
    deadline, _ = add_duration(WORKING_DAYS, sh(2025, 10, 4, 15), dt.timedelta(days=1), oracle=oracle())
    assert deadline.astimezone(SH) == sh(2025, 10, 10, 0)  # counted from Thu 9 Oct 00:00


def test_whole_working_days_from_midnight_end_at_midnight_of_the_next_working_day():
    # From Thu 00:00, 2 working days: Thu and Fri are used up; the deadline is Monday 00:00, not Saturday.
    deadline, _ = add_duration(WORKING_DAYS, sh(2025, 11, 6, 0), dt.timedelta(days=2), oracle=oracle())
    assert deadline.astimezone(SH) == sh(2025, 11, 10, 0)


def test_calendar_from_the_database_follows_china_and_administrator_days(db):
    calendar = Calendar.objects.create(name="Working days", kind=CalendarKind.WORKING_DAYS)
    CalendarDay.objects.create(date=dt.date(2025, 10, 8), is_working=True, note="Site open")
    deadline, _ = add_duration(calendar, sh(2025, 9, 30, 10), dt.timedelta(days=1))
    assert deadline.astimezone(SH) == sh(2025, 10, 8, 10)  # the override wins over the library


def test_working_days_without_china_calendar_are_monday_to_friday():
    spec = CalendarSpec(kind=CalendarKind.WORKING_DAYS, follow_china_calendar=False)
    deadline, _ = add_duration(spec, sh(2025, 9, 30, 10), dt.timedelta(days=1))
    assert deadline.astimezone(SH) == sh(2025, 10, 1, 10)


# --- R16: working hours ----------------------------------------------------------------------


def test_working_hours_skip_the_evening_lunch_and_weekend():
    deadline, _ = add_duration(NINE_TO_SIX, sh(2025, 11, 7, 17), dt.timedelta(hours=5), oracle=oracle())
    assert deadline.astimezone(SH) == sh(2025, 11, 10, 14)  # Fri 17–18, Mon 9–12, 13–14


def test_working_hours_end_at_closing_time_not_next_morning():
    deadline, _ = add_duration(NINE_TO_SIX, sh(2025, 11, 7, 13), dt.timedelta(hours=5), oracle=oracle())
    assert deadline.astimezone(SH) == sh(2025, 11, 7, 18)


def test_adjusted_working_saturday_works_mondays_hours():
    deadline, _ = add_duration(NINE_TO_SIX, sh(2025, 10, 10, 17), dt.timedelta(hours=2), oracle=oracle())
    assert deadline.astimezone(SH) == sh(2025, 10, 11, 10)  # Sat 11 Oct 2025 is a working day


def test_working_hours_calendar_from_the_database(db):
    calendar = Calendar.objects.create(name="Office", kind=CalendarKind.WORKING_HOURS)
    for day in range(5):
        WorkingHours.objects.create(calendar=calendar, weekday=day, starts=dt.time(9), ends=dt.time(17))
    deadline, _ = add_duration(calendar, sh(2025, 11, 7, 16), dt.timedelta(hours=2))
    assert deadline.astimezone(SH) == sh(2025, 11, 10, 10)


# --- R3: what a pause gives back -----------------------------------------------------------------


def test_pause_across_a_weekend_gives_back_only_working_time():
    friday, monday = sh(2025, 11, 7, 16), sh(2025, 11, 10, 10)
    assert working_time_between(WORKING_DAYS, friday, monday, oracle=oracle()) == dt.timedelta(hours=18)
    assert working_time_between(NINE_TO_SIX, friday, monday, oracle=oracle()) == dt.timedelta(hours=3)
    assert working_time_between(ALWAYS, friday, monday) == dt.timedelta(hours=66)


def test_pause_wholly_inside_a_holiday_gives_back_nothing_on_working_days():
    gap = working_time_between(WORKING_DAYS, sh(2025, 10, 2, 9), sh(2025, 10, 6, 18), oracle=oracle())
    assert gap == dt.timedelta(0)


def test_subtract_is_the_inverse_of_add_on_working_days():
    start = sh(2025, 9, 26, 10)
    deadline, _ = add_duration(WORKING_DAYS, start, dt.timedelta(days=7), oracle=oracle())
    quarter_left = subtract_duration(WORKING_DAYS, deadline, dt.timedelta(days=7) * 0.25, oracle=oracle())
    assert quarter_left.astimezone(SH) == sh(2025, 10, 10, 16)  # 42 h of working days before Mon 13 10:00
    assert working_time_between(WORKING_DAYS, start, quarter_left, oracle=oracle()) == dt.timedelta(days=7) * 0.75


# --- R9: a year the library does not know -------------------------------------------------------


def test_unknown_year_falls_back_to_weekends_and_statutory_holidays_and_is_provisional():
    # 2027 is not in chinesecalendar 1.11.0: Spring Festival 5–8 Feb 2027 (Fri–Mon) are statutory days off.
    deadline, provisional = add_duration(WORKING_DAYS, sh(2027, 2, 4, 10), dt.timedelta(days=1), oracle=oracle())
    assert deadline.astimezone(SH) == sh(2027, 2, 9, 10)
    assert provisional is True


def test_known_year_deadline_is_not_provisional_even_near_the_year_end():
    _, provisional = add_duration(WORKING_DAYS, sh(2026, 12, 28, 10), dt.timedelta(days=2), oracle=oracle())
    assert provisional is False
    _, provisional = add_duration(WORKING_DAYS, sh(2026, 12, 30, 10), dt.timedelta(days=2), oracle=oracle())
    assert provisional is True  # reaches into 2027


def test_confirmed_year_uses_administrator_days_and_is_official():
    days = {
        dt.date(2027, 2, 5): False,
        dt.date(2027, 2, 8): False,
        dt.date(2027, 2, 9): False,
        dt.date(2027, 2, 10): False,
    }
    deadline, provisional = add_duration(
        WORKING_DAYS, sh(2027, 2, 4, 10), dt.timedelta(days=1), oracle=oracle(overrides=days, confirmed=[2027])
    )
    assert deadline.astimezone(SH) == sh(2027, 2, 11, 10)
    assert provisional is False


def test_unofficial_years_lists_years_without_a_schedule(db):
    assert unofficial_years([2025, 2026, 2027]) == [2027]
    CalendarYear.objects.create(year=2027, note="State Council notice entered")
    assert unofficial_years([2025, 2026, 2027]) == []


def test_unofficial_years_defaults_to_this_year_and_next(db, settings):
    import time_machine

    with time_machine.travel(sh(2026, 11, 25, 9), tick=False):
        assert unofficial_years() == [2027]


def test_negative_duration_is_rejected():
    with pytest.raises(ValueError, match="negative"):
        add_duration(ALWAYS, sh(2026, 1, 5, 9), dt.timedelta(hours=-1))
