import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sla.models import Calendar, CalendarKind, ClockEvent, SlaPolicy, SlaTarget, TargetKind
from tickets.models import Priority

SH = ZoneInfo("Asia/Shanghai")
H = dt.timedelta(hours=1)


def sh(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def clock_at():
    """Freeze time at a Shanghai moment; call .move_to(sh(...)) or .shift(td) to move it."""
    travellers = []

    def start(moment: dt.datetime):
        traveller = time_machine.travel(moment, tick=False)
        travellers.append(traveller)
        return traveller.start()

    yield start
    for traveller in reversed(travellers):
        traveller.stop()


@pytest.fixture
def calendars(db):
    return {
        "always": Calendar.objects.create(name="7×24", kind=CalendarKind.ALWAYS),
        "working_days": Calendar.objects.create(name="Working days", kind=CalendarKind.WORKING_DAYS),
    }


def target(policy, kind, duration, calendar, start, stop, **kwargs) -> SlaTarget:
    return SlaTarget.objects.create(
        policy=policy,
        kind=kind,
        duration=duration,
        calendar=calendar,
        start_event=start,
        stop_event=stop,
        **kwargs,
    )


@pytest.fixture
def policies(calendars):
    """Policies like the seeded ones (first response, on site, solution), plus a 5-working-day resolution target."""
    always, wd = calendars["always"], calendars["working_days"]
    default = SlaPolicy.objects.create(name="Standard", is_default=True)
    target(default, TargetKind.FIRST_RESPONSE, 24 * H, always, ClockEvent.CREATED, ClockEvent.FIRST_PUBLIC_REPLY)
    target(default, TargetKind.RESOLUTION, dt.timedelta(days=5), wd, ClockEvent.CREATED, ClockEvent.RESOLVED)
    target(default, TargetKind.ON_SITE, 24 * H, always, ClockEvent.ONSITE_DECIDED, ClockEvent.ONSITE_ARRIVED)
    target(
        default,
        TargetKind.ESCALATION_SOLUTION,
        dt.timedelta(days=7),
        wd,
        ClockEvent.ESCALATED,
        ClockEvent.SOLUTION_GIVEN,
    )
    urgent = SlaPolicy.objects.create(name="Urgent", priority=Priority.URGENT)
    target(urgent, TargetKind.FIRST_RESPONSE, 2 * H, always, ClockEvent.CREATED, ClockEvent.FIRST_PUBLIC_REPLY)
    warranty = SlaPolicy.objects.create(name="In warranty", device_in_warranty=True)
    target(warranty, TargetKind.ON_SITE, 12 * H, always, ClockEvent.ONSITE_DECIDED, ClockEvent.ONSITE_ARRIVED)
    return {"default": default, "urgent": urgent, "warranty": warranty}
