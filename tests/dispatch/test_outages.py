"""Intake never depends on Redis or the broker: the database holds the work, sweeps queue it later."""

import datetime as dt

from django.utils import timezone
from rest_framework.test import APIClient

from dispatch.models import CaseDispatch, DispatchMode, DispatchPolicy
from dispatch.services.assignment import UNQUEUED_GRACE, dispatch_sweep_unqueued
from sla.models import Calendar, CalendarKind, ClockEvent, SlaClock, SlaPolicy, SlaTarget, TargetKind
from tickets.lifecycle import Status
from tickets.models import Ticket

from ..outages import broker_down, cache_down

LATER = UNQUEUED_GRACE + dt.timedelta(seconds=1)


def open_case_over_the_api(customer, capture) -> Ticket:
    api = APIClient()
    api.force_authenticate(customer)
    with capture(execute=True):
        response = api.post(
            "/api/v1/tickets/",
            {"category": "fault", "subject": "Array offline", "description": "Since 09:00."},
            format="json",
        )
    assert response.status_code == 201, response.content
    return Ticket.objects.get(pk=response.json()["id"])


def test_a_case_opened_while_redis_is_down_is_written_timed_and_dispatched_when_redis_returns(
    department, customer, make_engineer, django_capture_on_commit_callbacks
):
    always = Calendar.objects.create(name="7×24", kind=CalendarKind.ALWAYS)
    SlaTarget.objects.create(
        policy=SlaPolicy.objects.create(name="Standard", is_default=True),
        kind=TargetKind.FIRST_RESPONSE,
        duration=dt.timedelta(hours=24),
        calendar=always,
        start_event=ClockEvent.CREATED,
        stop_event=ClockEvent.FIRST_PUBLIC_REPLY,
    )
    DispatchPolicy.objects.create(department=department, mode=DispatchMode.AUTO)
    engineer = make_engineer("li")
    with cache_down(), broker_down():
        ticket = open_case_over_the_api(customer, django_capture_on_commit_callbacks)
        # Written, routed and its clocks started from the database; the dispatch message never left.
        assert ticket.department == department
        assert SlaClock.objects.filter(ticket=ticket).exists()
        assert (ticket.status, ticket.assignee) == (Status.NEW, None)

    # Redis is back: the dispatch sweep (every minute) finds the case automatic dispatch never saw.
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_sweep_unqueued(now=timezone.now() + LATER) == 1
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.ASSIGNED, engineer)
    assert dispatch_sweep_unqueued(now=timezone.now() + LATER) == 0  # once


def test_a_dispatch_message_lost_by_the_broker_is_queued_again(
    department, customer, make_engineer, django_capture_on_commit_callbacks, monkeypatch
):
    """The broker took the message and lost it (Redis restarted empty): nothing ran."""
    from dispatch.tasks import dispatch_auto_task

    DispatchPolicy.objects.create(department=department, mode=DispatchMode.AUTO)
    engineer = make_engineer("li")
    monkeypatch.setattr(dispatch_auto_task, "delay", lambda *args: None)  # accepted, then lost
    ticket = open_case_over_the_api(customer, django_capture_on_commit_callbacks)
    monkeypatch.undo()
    assert ticket.assignee is None

    assert dispatch_sweep_unqueued(now=timezone.now()) == 0  # not before the grace period
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_sweep_unqueued(now=timezone.now() + LATER) == 1
    ticket.refresh_from_db()
    assert ticket.assignee == engineer


def test_the_sweep_leaves_alone_cases_automatic_dispatch_already_tried(
    department, customer, manager, django_capture_on_commit_callbacks
):
    """Nobody fitted (the managers were told once): the sweep does not try, and tell, every minute."""
    DispatchPolicy.objects.create(department=department, mode=DispatchMode.AUTO)
    ticket = open_case_over_the_api(customer, django_capture_on_commit_callbacks)  # no engineer at all
    assert CaseDispatch.objects.get(ticket=ticket).auto_tried_at is not None
    assert dispatch_sweep_unqueued(now=timezone.now() + LATER) == 0
    assert ticket.events.filter(data__action="auto_failed").count() == 1


def test_manager_and_pool_departments_are_not_swept(department, customer, django_capture_on_commit_callbacks):
    DispatchPolicy.objects.create(department=department, mode=DispatchMode.POOL)
    open_case_over_the_api(customer, django_capture_on_commit_callbacks)
    assert dispatch_sweep_unqueued(now=timezone.now() + LATER) == 0


def test_editing_an_sla_policy_while_redis_is_down_is_saved(db):
    with cache_down():
        policy = SlaPolicy.objects.create(name="Key accounts")
        policy.name = "Key accounts (7×24)"
        policy.save()
    assert SlaPolicy.objects.get(pk=policy.pk).name == "Key accounts (7×24)"
