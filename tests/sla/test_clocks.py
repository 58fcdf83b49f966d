"""The clock rules of sla/RULES.md (sections name them), driven through the case lifecycle with the clock moved."""

import datetime as dt

from sla.calendars import DayOracle
from sla.clocks import SLA_EVENT, clocks_recompute_provisional
from sla.models import (
    CalendarDay,
    CalendarYear,
    ClockEvent,
    ClockState,
    SlaClock,
    SlaPolicy,
    SlaTarget,
    TargetKind,
)
from sla.services import sla_check_due, sla_policy_reapply, sla_record_event
from tests.factories import DeviceFactory, make_ticket
from tickets.lifecycle import Action
from tickets.models import Priority
from tickets.services import ticket_comment, ticket_transition, ticket_update

from .conftest import SH, H, sh, target


def clock(ticket, kind=TargetKind.FIRST_RESPONSE) -> SlaClock:
    return SlaClock.objects.get(ticket=ticket, kind=kind)


def sla_events(ticket, kind=None) -> list[str]:
    events = ticket.events.filter(kind=SLA_EVENT).order_by("pk")
    return [e.data["sla"] for e in events if kind is None or e.data["target"] == kind]


def start_work(ticket, manager, engineer):
    ticket_transition(ticket_id=ticket.pk, action=Action.ASSIGN, actor=manager, assignee=engineer)
    ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)


# --- R10–R12: which targets, starting and stopping ------------------------------------------


def test_normal_case_gets_a_24_hour_first_response_clock(policies, customer, clock_at):
    clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer)
    c = clock(ticket)
    assert c.deadline == sh(2026, 3, 3, 9)
    assert (c.state, c.policy, c.duration) == (ClockState.RUNNING, policies["default"], 24 * H)
    assert c.next_due_at == sh(2026, 3, 3, 9) - 6 * H  # the 75 % warning
    assert sla_events(ticket, TargetKind.FIRST_RESPONSE) == ["started"]


def test_urgent_case_gets_a_2_hour_first_response_clock(policies, customer, clock_at):
    clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer, priority=Priority.URGENT)
    c = clock(ticket)
    assert (c.deadline, c.policy) == (sh(2026, 3, 2, 11), policies["urgent"])
    # The urgent policy has no resolution target: the default policy's applies.
    assert clock(ticket, TargetKind.RESOLUTION).policy == policies["default"]


def test_urgent_deadline_crossing_midnight_in_shanghai(policies, customer, clock_at):
    clock_at(sh(2026, 3, 10, 22, 30))
    ticket = make_ticket(contact=customer, priority=Priority.URGENT)
    c = clock(ticket)
    assert c.deadline == dt.datetime(2026, 3, 10, 16, 30, tzinfo=dt.UTC)
    assert c.deadline.astimezone(SH).date() == dt.date(2026, 3, 11)


def test_first_public_staff_reply_stops_the_first_response_clock(policies, customer, engineer, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer)
    traveller.shift(3 * H)
    ticket_comment(ticket_id=ticket.pk, actor=engineer, body="Looking into it.", is_public=False)
    assert clock(ticket).state == ClockState.RUNNING  # an internal note is no response
    traveller.shift(H)
    ticket_comment(ticket_id=ticket.pk, actor=engineer, body="We are on it.")
    c = clock(ticket)
    assert (c.state, c.stopped_at, c.stopped_by) == (ClockState.MET, sh(2026, 3, 2, 13), ClockEvent.FIRST_PUBLIC_REPLY)
    assert c.next_due_at is None
    assert clock(ticket, TargetKind.RESOLUTION).state == ClockState.RUNNING


def test_accepted_assignment_stops_first_response_when_the_policy_says_so(
    policies, calendars, customer, manager, engineer, clock_at
):
    SlaTarget.objects.filter(kind=TargetKind.FIRST_RESPONSE).update(stop_event=ClockEvent.ACCEPTED)
    traveller = clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer)
    ticket_transition(ticket_id=ticket.pk, action=Action.ASSIGN, actor=manager, assignee=engineer)
    assert clock(ticket).state == ClockState.RUNNING
    traveller.shift(30 * H)
    ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
    c = clock(ticket)
    assert (c.state, c.stopped_at) == (ClockState.BREACHED, sh(2026, 3, 3, 15))
    assert c.breached_at == sh(2026, 3, 3, 9)  # recorded at the deadline though no sweep ran


def test_on_site_clock_is_12_hours_in_warranty_and_24_otherwise(policies, customer, manager, engineer, clock_at):
    clock_at(sh(2026, 3, 2, 9))
    in_warranty = DeviceFactory(organisation=customer.organisation, delivered_on=dt.date(2026, 1, 1))
    expired = DeviceFactory(organisation=customer.organisation, delivered_on=dt.date(2020, 1, 1))
    a = make_ticket(contact=customer, device=in_warranty)
    b = make_ticket(contact=customer, device=expired)
    for ticket in (a, b):
        sla_record_event(ticket_id=ticket.pk, event=ClockEvent.ONSITE_DECIDED, actor=manager)
    assert clock(a, TargetKind.ON_SITE).deadline == sh(2026, 3, 2, 21)
    assert clock(b, TargetKind.ON_SITE).deadline == sh(2026, 3, 3, 9)
    sla_record_event(ticket_id=a.pk, event=ClockEvent.ONSITE_ARRIVED, actor=engineer, at=sh(2026, 3, 2, 20))
    assert clock(a, TargetKind.ON_SITE).state == ClockState.MET


def test_a_clock_starts_once_per_case_and_target(policies, customer, manager, clock_at):
    clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer)
    sla_record_event(ticket_id=ticket.pk, event=ClockEvent.ONSITE_DECIDED, actor=manager)
    sla_record_event(ticket_id=ticket.pk, event=ClockEvent.ONSITE_DECIDED, actor=manager, at=sh(2026, 3, 2, 15))
    assert clock(ticket, TargetKind.ON_SITE).started_at == sh(2026, 3, 2, 9)


def test_seven_working_days_after_escalation_span_national_day_2025(policies, customer, manager, clock_at):
    clock_at(sh(2025, 9, 26, 10))
    ticket = make_ticket(contact=customer)
    sla_record_event(ticket_id=ticket.pk, event=ClockEvent.ESCALATED, actor=manager)
    c = clock(ticket, TargetKind.ESCALATION_SOLUTION)
    # Sun 28 Sep and Sat 11 Oct 2025 are adjusted working days.
    assert c.deadline == sh(2025, 10, 13, 10)
    assert c.provisional is False


def test_seven_working_days_after_escalation_span_spring_festival_2026(policies, customer, manager, clock_at):
    clock_at(sh(2026, 2, 12, 15))
    ticket = make_ticket(contact=customer)
    sla_record_event(ticket_id=ticket.pk, event=ClockEvent.ESCALATED, actor=manager)
    assert clock(ticket, TargetKind.ESCALATION_SOLUTION).deadline == sh(2026, 2, 28, 15)


# --- R3: pauses --------------------------------------------------------------------------------


def test_waiting_for_the_customer_pauses_and_resume_gives_back_the_paused_time(
    policies, customer, manager, engineer, clock_at
):
    traveller = clock_at(sh(2026, 3, 2, 9))  # Monday
    ticket = make_ticket(contact=customer)
    start_work(ticket, manager, engineer)
    traveller.move_to(sh(2026, 3, 2, 10))
    ticket_transition(ticket_id=ticket.pk, action=Action.WAIT, actor=engineer, note="Send us the logs.")
    c = clock(ticket, TargetKind.RESOLUTION)
    assert (c.state, c.paused_at, c.next_due_at) == (ClockState.PAUSED, sh(2026, 3, 2, 10), None)
    traveller.move_to(sh(2026, 3, 3, 16))
    ticket_comment(ticket_id=ticket.pk, actor=customer, body="Logs attached.")  # the reply resumes the case
    c.refresh_from_db()
    assert c.state == ClockState.RUNNING
    assert c.paused_total == 30 * H
    assert c.deadline == sh(2026, 3, 9, 9) + 30 * H  # 5 working days, then 30 h later
    assert sla_events(ticket, TargetKind.RESOLUTION) == ["started", "paused", "resumed"]


def test_pause_across_a_weekend_gives_back_only_working_days(policies, customer, manager, engineer, clock_at):
    traveller = clock_at(sh(2025, 11, 3, 9))  # Monday
    ticket = make_ticket(contact=customer)
    start_work(ticket, manager, engineer)
    assert clock(ticket, TargetKind.RESOLUTION).deadline == sh(2025, 11, 10, 9)
    traveller.move_to(sh(2025, 11, 7, 16))  # Friday
    ticket_transition(ticket_id=ticket.pk, action=Action.WAIT, actor=engineer, note="Please test on Monday.")
    traveller.move_to(sh(2025, 11, 10, 10))  # Monday
    ticket_transition(ticket_id=ticket.pk, action=Action.RESUME, actor=engineer)
    c = clock(ticket, TargetKind.RESOLUTION)
    assert c.paused_total == 18 * H  # Friday 16–24 and Monday 0–10; the weekend gives nothing back
    assert c.deadline == sh(2025, 11, 11, 3)  # Mon 10:00 with 17 h of counted time left


def test_pause_wholly_in_a_holiday_gives_nothing_back_on_a_working_day_clock(
    policies, customer, manager, engineer, clock_at
):
    traveller = clock_at(sh(2025, 9, 30, 9))
    ticket = make_ticket(contact=customer)
    start_work(ticket, manager, engineer)
    before = clock(ticket, TargetKind.RESOLUTION).deadline
    traveller.move_to(sh(2025, 10, 2, 9))
    ticket_transition(ticket_id=ticket.pk, action=Action.WAIT, actor=engineer, note="After the holiday?")
    traveller.move_to(sh(2025, 10, 6, 18))
    ticket_transition(ticket_id=ticket.pk, action=Action.RESUME, actor=engineer)
    c = clock(ticket, TargetKind.RESOLUTION)
    assert (c.paused_total, c.deadline) == (dt.timedelta(0), before)


# --- R4, R14: breaches at the deadline, warnings once -----------------------------------------------


def test_breach_is_recorded_at_the_deadline_not_when_the_sweep_notices(policies, customer, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer, priority=Priority.URGENT)
    traveller.move_to(sh(2026, 3, 2, 14, 37))
    result = sla_check_due()
    c = clock(ticket)
    assert result.breaches == 1
    assert c.breached_at == sh(2026, 3, 2, 11)
    assert c.state == ClockState.RUNNING  # overdue, still waiting for the response
    event = ticket.events.filter(kind=SLA_EVENT, data__sla="breach").get()
    assert dt.datetime.fromisoformat(event.data["at"]) == sh(2026, 3, 2, 11)


def test_warnings_and_breach_are_each_recorded_once(policies, customer, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer)  # 24 h: warnings at 18 h and 21.6 h
    for hours in (17, 18, 19, 21.6, 22, 24, 25):
        traveller.move_to(sh(2026, 3, 2, 9) + dt.timedelta(hours=hours))
        sla_check_due()
        sla_check_due()
    assert sla_events(ticket, TargetKind.FIRST_RESPONSE) == ["started", "warning", "warning", "breach"]
    levels = [e.data["level"] for e in ticket.events.filter(kind=SLA_EVENT, data__sla="warning").order_by("pk")]
    assert levels == [75, 90]
    assert clock(ticket).next_due_at is None


def test_a_sweep_after_both_thresholds_passed_records_only_the_higher_warning(policies, customer, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer)
    traveller.move_to(sh(2026, 3, 3, 8))  # 23 h: 75 % and 90 % both passed, nobody swept
    assert sla_check_due().warnings == 1
    assert [e.data["level"] for e in ticket.events.filter(data__sla="warning")] == [90]
    traveller.move_to(sh(2026, 3, 4, 8))  # and past the deadline: the breach only
    assert sla_check_due().breaches == 1


def test_a_sweep_long_after_the_deadline_records_the_breach_and_no_warning(policies, customer, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer)
    traveller.move_to(sh(2026, 3, 5, 9))
    result = sla_check_due()
    assert (result.warnings, result.breaches) == (0, 1)  # the resolution clock is at 60 %
    assert sla_events(ticket, TargetKind.FIRST_RESPONSE) == ["started", "breach"]


def test_after_a_deadline_moves_a_passed_threshold_is_not_recorded_again(
    policies, customer, manager, engineer, clock_at
):
    # Stopped by nothing in this test, so the public waiting note does not stop it.
    SlaTarget.objects.filter(kind=TargetKind.FIRST_RESPONSE).update(stop_event=ClockEvent.SOLUTION_GIVEN)
    traveller = clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer)
    start_work(ticket, manager, engineer)
    traveller.move_to(sh(2026, 3, 3, 4))  # 19 h: 75 % passed
    sla_check_due()
    ticket_transition(ticket_id=ticket.pk, action=Action.WAIT, actor=engineer, note="Which version?")
    traveller.move_to(sh(2026, 3, 3, 14))
    ticket_transition(ticket_id=ticket.pk, action=Action.RESUME, actor=engineer)
    c = clock(ticket)
    assert c.deadline == sh(2026, 3, 3, 19)  # 10 h of pause given back
    assert c.next_due_at == sh(2026, 3, 3, 16, 36)  # the 90 % moment, not the 75 % again
    traveller.move_to(sh(2026, 3, 3, 17))
    sla_check_due()
    levels = [e.data["level"] for e in ticket.events.filter(data__sla="warning").order_by("pk")]
    assert levels == [75, 90]


# --- R5: stopping while paused -----------------------------------------------------------------------


def test_stopping_a_paused_clock_judges_the_time_before_the_pause(policies, customer, manager, engineer, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer)
    start_work(ticket, manager, engineer)
    traveller.move_to(sh(2026, 3, 6, 9))
    ticket_transition(ticket_id=ticket.pk, action=Action.WAIT, actor=engineer, note="Does it work now?")
    traveller.move_to(sh(2026, 3, 20, 9))  # long after the 5-working-day deadline
    ticket_transition(ticket_id=ticket.pk, action=Action.RESOLVE, actor=engineer, resolution="Confirmed fixed.")
    c = clock(ticket, TargetKind.RESOLUTION)
    assert (c.state, c.stopped_at, c.breached_at) == (ClockState.MET, sh(2026, 3, 6, 9), None)


def test_a_clock_paused_after_its_deadline_stays_breached(policies, customer, manager, engineer, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer)
    start_work(ticket, manager, engineer)
    traveller.move_to(sh(2026, 3, 10, 9))
    ticket_transition(ticket_id=ticket.pk, action=Action.WAIT, actor=engineer, note="Can you confirm?")
    ticket_transition(ticket_id=ticket.pk, action=Action.RESOLVE, actor=engineer, resolution="Fixed.")
    c = clock(ticket, TargetKind.RESOLUTION)
    assert (c.state, c.breached_at) == (ClockState.BREACHED, sh(2026, 3, 9, 9))


# --- R6: priority changes -------------------------------------------------------------------------


def test_raised_priority_takes_the_earlier_of_old_deadline_and_change_plus_new_target(
    policies, customer, agent, clock_at
):
    traveller = clock_at(sh(2026, 3, 2, 9))
    early = make_ticket(contact=customer)
    late = make_ticket(contact=customer)
    traveller.move_to(sh(2026, 3, 2, 10))
    ticket_update(ticket_id=early.pk, actor=agent, priority=Priority.URGENT)
    c = clock(early)
    assert (c.deadline, c.duration, c.policy) == (sh(2026, 3, 2, 12), 2 * H, policies["urgent"])
    assert "retargeted" in sla_events(early)
    traveller.move_to(sh(2026, 3, 3, 8))  # 1 h before the 24 h deadline: now + 2 h is later
    ticket_update(ticket_id=late.pk, actor=agent, priority=Priority.URGENT)
    assert clock(late).deadline == sh(2026, 3, 3, 9)


def test_lowered_priority_never_removes_a_recorded_breach(policies, customer, agent, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer, priority=Priority.URGENT)
    traveller.move_to(sh(2026, 3, 2, 12))
    sla_check_due()
    ticket_update(ticket_id=ticket.pk, actor=agent, priority=Priority.NORMAL)
    c = clock(ticket)
    assert (c.breached_at, c.deadline, c.duration) == (sh(2026, 3, 2, 11), sh(2026, 3, 2, 11), 2 * H)


def test_priority_raised_while_paused_counts_from_the_pause(
    policies, calendars, customer, manager, engineer, agent, clock_at
):
    target(
        policies["urgent"],
        TargetKind.RESOLUTION,
        dt.timedelta(days=1),
        calendars["working_days"],
        ClockEvent.CREATED,
        ClockEvent.RESOLVED,
    )
    traveller = clock_at(sh(2026, 3, 2, 9))  # Monday
    ticket = make_ticket(contact=customer)
    start_work(ticket, manager, engineer)
    traveller.move_to(sh(2026, 3, 2, 10))
    ticket_transition(ticket_id=ticket.pk, action=Action.WAIT, actor=engineer, note="Which site?")
    traveller.move_to(sh(2026, 3, 2, 15))
    ticket_update(ticket_id=ticket.pk, actor=agent, priority=Priority.URGENT)
    c = clock(ticket, TargetKind.RESOLUTION)
    assert (c.state, c.deadline, c.next_due_at) == (ClockState.PAUSED, sh(2026, 3, 3, 10), None)
    traveller.move_to(sh(2026, 3, 2, 16))
    ticket_transition(ticket_id=ticket.pk, action=Action.RESUME, actor=engineer)
    c.refresh_from_db()
    assert c.deadline == sh(2026, 3, 3, 16)  # one working day from the pause at 10:00, plus 6 h of pause


# --- R7: policy edits -------------------------------------------------------------------------


def test_policy_edited_while_clocks_run_keeps_their_terms_until_reapplied(policies, customer, manager, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9))
    running = make_ticket(contact=customer)
    # Edited as a manager does it (the admin saves the target), which also clears the cached policies.
    target = SlaTarget.objects.get(policy=policies["default"], kind=TargetKind.FIRST_RESPONSE)
    target.duration = 8 * H
    target.save()
    traveller.move_to(sh(2026, 3, 2, 10))
    new = make_ticket(contact=customer)
    assert clock(running).deadline == sh(2026, 3, 3, 9)
    assert clock(new).deadline == sh(2026, 3, 2, 18)
    assert sla_policy_reapply(policy_id=policies["default"].pk, actor=manager) >= 2
    assert clock(running).deadline == sh(2026, 3, 2, 17)
    assert clock(new).deadline == sh(2026, 3, 2, 18)
    assert "reapplied" in sla_events(running)


def test_deleted_target_leaves_running_clocks_alone(policies, customer, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer)
    SlaTarget.objects.filter(policy=policies["default"], kind=TargetKind.FIRST_RESPONSE).delete()
    traveller.move_to(sh(2026, 3, 4, 9))
    sla_check_due()
    c = clock(ticket)
    assert (c.target, c.breached_at) == (None, sh(2026, 3, 3, 9))


# --- R8: reopen --------------------------------------------------------------------------------


def test_reopen_continues_the_same_clocks_and_counts_the_resolved_time_as_paused(
    policies, customer, manager, engineer, clock_at
):
    traveller = clock_at(sh(2026, 3, 2, 9))  # Monday
    ticket = make_ticket(contact=customer)
    start_work(ticket, manager, engineer)
    traveller.move_to(sh(2026, 3, 3, 9))
    ticket_transition(ticket_id=ticket.pk, action=Action.RESOLVE, actor=engineer, resolution="Restarted.")
    c = clock(ticket, TargetKind.RESOLUTION)
    assert (c.state, c.stopped_at) == (ClockState.MET, sh(2026, 3, 3, 9))
    traveller.move_to(sh(2026, 3, 4, 15))
    ticket_transition(ticket_id=ticket.pk, action=Action.REOPEN, actor=None, note="Not satisfied.")
    c = clock(ticket, TargetKind.RESOLUTION)
    assert SlaClock.objects.filter(ticket=ticket, kind=TargetKind.RESOLUTION).count() == 1
    assert (c.state, c.paused_total) == (ClockState.RUNNING, 30 * H)
    assert c.deadline == sh(2026, 3, 9, 9) + 30 * H
    assert clock(ticket).state == ClockState.MET  # the first response was given; it stays given
    assert sla_events(ticket, TargetKind.RESOLUTION)[-2:] == ["stopped", "reopened"]


def test_archive_leaves_clocks_final_and_cancel_cancels_open_ones(policies, customer, manager, clock_at):
    clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer)
    ticket_transition(ticket_id=ticket.pk, action=Action.CANCEL, actor=manager, note="Duplicate.", is_public=False)
    assert set(SlaClock.objects.filter(ticket=ticket).values_list("state", flat=True)) == {ClockState.CANCELLED}
    assert SlaClock.objects.filter(ticket=ticket, next_due_at__isnull=False).count() == 0


# --- R9: provisional deadlines ---------------------------------------------------------------------


def test_deadline_in_an_unknown_year_is_provisional_and_recomputed_when_the_schedule_is_entered(
    policies, customer, manager, clock_at
):
    clock_at(sh(2026, 12, 29, 10))
    ticket = make_ticket(contact=customer)
    sla_record_event(ticket_id=ticket.pk, event=ClockEvent.ESCALATED, actor=manager)
    c = clock(ticket, TargetKind.ESCALATION_SOLUTION)
    # 30, 31 Dec, (1 Jan statutory), 4–8 Jan 2027: estimated.
    assert (c.deadline, c.provisional) == (sh(2027, 1, 8, 10), True)
    # Say the State Council's notice makes Saturday 2 Jan 2027 an adjusted working day.
    CalendarDay.objects.create(date=dt.date(2027, 1, 2), is_working=True, note="调休")
    CalendarYear.objects.create(year=2027)
    c.refresh_from_db()
    assert (c.deadline, c.provisional) == (sh(2027, 1, 7, 10), False)
    assert "recomputed" in sla_events(ticket, TargetKind.ESCALATION_SOLUTION)


def test_recompute_changes_nothing_for_official_deadlines(policies, customer, clock_at):
    clock_at(sh(2026, 3, 2, 9))
    make_ticket(contact=customer)
    assert clocks_recompute_provisional() == 0


# --- R18: the timeline ---------------------------------------------------------------------------


def test_every_start_pause_resume_warning_breach_and_stop_is_on_the_timeline(
    policies, customer, manager, engineer, clock_at
):
    traveller = clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer, priority=Priority.URGENT)
    start_work(ticket, manager, engineer)
    traveller.move_to(sh(2026, 3, 2, 10, 40))
    sla_check_due()
    ticket_transition(ticket_id=ticket.pk, action=Action.WAIT, actor=engineer, note="Which firmware?")
    # the public note answered the case: the first response clock stopped before the pause
    assert sla_events(ticket, TargetKind.FIRST_RESPONSE) == ["started", "warning", "stopped"]
    traveller.move_to(sh(2026, 3, 2, 12))
    ticket_transition(ticket_id=ticket.pk, action=Action.RESUME, actor=engineer)
    assert sla_events(ticket, TargetKind.RESOLUTION) == ["started", "paused", "resumed"]
    event = ticket.events.filter(kind=SLA_EVENT, data__sla="stopped").get()
    assert event.is_public is False
    assert event.data["outcome"] == ClockState.MET


def test_no_policy_means_no_clocks(db, customer, clock_at):
    clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer)
    assert not SlaClock.objects.filter(ticket=ticket).exists()


def test_organisation_policy_beats_priority_policy(policies, calendars, customer, clock_at):
    clock_at(sh(2026, 3, 2, 9))
    key = SlaPolicy.objects.create(name="Key customer", organisation=customer.organisation)
    target(key, TargetKind.FIRST_RESPONSE, H, calendars["always"], ClockEvent.CREATED, ClockEvent.FIRST_PUBLIC_REPLY)
    ticket = make_ticket(contact=customer, priority=Priority.URGENT)
    assert (clock(ticket).policy, clock(ticket).deadline) == (key, sh(2026, 3, 2, 10))


def test_day_oracle_reads_administrator_days_once_per_year(db, django_assert_num_queries):
    CalendarDay.objects.create(date=dt.date(2025, 10, 8), is_working=True)
    oracle = DayOracle()
    # calendar days of 2025
    with django_assert_num_queries(1):
        assert oracle.is_working(dt.date(2025, 10, 8)) == (True, False)
        assert oracle.is_working(dt.date(2025, 10, 7)) == (False, False)


def test_new_cases_take_an_edited_target_at_once(policies, customer, clock_at):
    """The policies are cached for the busiest write; an edit must still reach the next case."""
    clock_at(sh(2026, 3, 2, 9, 0))
    first = make_ticket(contact=customer)
    target = policies["default"].targets.get(kind=TargetKind.FIRST_RESPONSE)
    target.duration = 8 * H
    target.save()
    second = make_ticket(contact=customer)
    assert first.sla_clocks.get(kind=TargetKind.FIRST_RESPONSE).duration == 24 * H
    assert second.sla_clocks.get(kind=TargetKind.FIRST_RESPONSE).duration == 8 * H


def test_another_organisations_contract_never_sets_the_terms_of_a_case_without_a_device(
    policies, calendars, customer, other_customer, clock_at
):
    from warranty.models import ServiceContract

    clock_at(sh(2026, 3, 2, 9))
    theirs = ServiceContract.objects.create(
        organisation=other_customer.organisation,
        number="HT-OTHER-1",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    premium = SlaPolicy.objects.create(name="Their premium", contract=theirs)
    target(
        premium,
        TargetKind.FIRST_RESPONSE,
        1 * H,
        calendars["always"],
        ClockEvent.CREATED,
        ClockEvent.FIRST_PUBLIC_REPLY,
    )

    mine = make_ticket(contact=customer)  # no device
    assert clock(mine).policy == policies["default"]
    assert clock(mine).deadline == sh(2026, 3, 3, 9)
    theirs_case = make_ticket(contact=other_customer)
    assert clock(theirs_case).policy == premium
