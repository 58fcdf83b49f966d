"""Chasing (催办) and the escalation tiers."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dispatch.events import DispatchEvent
from dispatch.models import CaseDispatch, Escalation, Tier
from dispatch.services.assignment import dispatch_assign
from dispatch.services.handling import escalation_solution_give, ticket_chase, ticket_escalate
from sla.models import ClockState, SlaClock, TargetKind
from tickets.lifecycle import Action
from tickets.services import ticket_transition

from ..factories import make_ticket


@pytest.fixture
def assigned_case(customer, engineer, manager):
    engineer.email, manager.email = "eng@example.com", "boss@example.com"
    engineer.save()
    manager.save()
    ticket = make_ticket(contact=customer)
    dispatch_assign(ticket_id=ticket.pk, engineer=engineer, actor=manager)
    return ticket


def test_customer_chase_is_counted_timelined_and_emailed(assigned_case, customer):
    ticket_chase(ticket_id=assigned_case.pk, actor=customer, note="Production is down!")

    state = CaseDispatch.objects.get(ticket=assigned_case)
    assert state.chase_count == 1
    event = assigned_case.events.get(kind=DispatchEvent.CHASED)
    assert (event.actor, event.body, event.is_public) == (customer, "Production is down!", True)
    assert sorted(m.to[0] for m in mail.outbox) == ["boss@example.com", "eng@example.com"]


def test_repeated_chases_are_counted(assigned_case, customer, manager):
    ticket_chase(ticket_id=assigned_case.pk, actor=customer)
    ticket_chase(ticket_id=assigned_case.pk, actor=manager)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        ticket_chase(ticket_id=assigned_case.pk, actor=customer)
    assert CaseDispatch.objects.get(ticket=assigned_case).chase_count == 3


def test_a_double_click_is_not_a_second_chase(assigned_case, customer):
    ticket_chase(ticket_id=assigned_case.pk, actor=customer)
    with pytest.raises(ValidationError):
        ticket_chase(ticket_id=assigned_case.pk, actor=customer)
    assert CaseDispatch.objects.get(ticket=assigned_case).chase_count == 1


def test_others_cannot_chase(assigned_case, other_customer, engineer):
    with pytest.raises(PermissionDenied):
        ticket_chase(ticket_id=assigned_case.pk, actor=other_customer)
    with pytest.raises(PermissionDenied):
        ticket_chase(ticket_id=assigned_case.pk, actor=engineer)


def test_closed_case_cannot_be_chased(assigned_case, customer, manager):
    ticket_transition(ticket_id=assigned_case.pk, action=Action.CANCEL, actor=manager)
    with pytest.raises(ValidationError):
        ticket_chase(ticket_id=assigned_case.pk, actor=customer)


def test_escalation_walks_the_tiers(customer, agent, engineer, manager, project_manager):
    project_manager.email = "pm@example.com"
    project_manager.save()
    ticket = make_ticket(contact=customer)

    first = ticket_escalate(ticket_id=ticket.pk, actor=agent, reason="Beyond the hotline", engineer=None)
    assert (first.from_tier, first.to_tier, first.escalated_by) == (Tier.HOTLINE, Tier.ENGINEER, agent)
    second = ticket_escalate(ticket_id=ticket.pk, actor=manager, reason="Needs the specialists")
    assert (second.from_tier, second.to_tier) == (Tier.ENGINEER, Tier.PROJECT_MANAGER)
    assert CaseDispatch.objects.get(ticket=ticket).tier == Tier.PROJECT_MANAGER
    assert any("pm@example.com" in m.to for m in mail.outbox)
    assert ticket.events.filter(kind=DispatchEvent.ESCALATED).count() == 2

    with pytest.raises(ValidationError) as e:
        ticket_escalate(ticket_id=ticket.pk, actor=manager, reason="Again")
    assert "to_tier" in e.value.message_dict


def test_escalation_needs_a_reason_and_staff(customer, manager):
    ticket = make_ticket(contact=customer)
    with pytest.raises(ValidationError):
        ticket_escalate(ticket_id=ticket.pk, actor=manager, reason="")
    with pytest.raises(PermissionDenied):
        ticket_escalate(ticket_id=ticket.pk, actor=customer, reason="Hurry")
    assert not Escalation.objects.exists()


def test_escalating_to_specialists_starts_and_the_solution_stops_the_solution_clock(
    sla_policies, assigned_case, manager, project_manager
):
    ticket_escalate(ticket_id=assigned_case.pk, actor=manager, reason="Kernel panic", to_tier=Tier.PROJECT_MANAGER)
    clock = SlaClock.objects.get(ticket=assigned_case, kind=TargetKind.ESCALATION_SOLUTION)
    assert clock.state == ClockState.RUNNING

    escalation = escalation_solution_give(ticket_id=assigned_case.pk, actor=project_manager, solution="Patch 7.2")

    assert (escalation.solution, escalation.solution_by) == ("Patch 7.2", project_manager)
    clock.refresh_from_db()
    assert clock.state == ClockState.MET
    with pytest.raises(ValidationError):
        escalation_solution_give(ticket_id=assigned_case.pk, actor=project_manager, solution="Again")


def test_escalating_to_the_engineer_tier_assigns_the_named_engineer(customer, agent, manager, engineer):
    ticket = make_ticket(contact=customer)
    ticket_escalate(ticket_id=ticket.pk, actor=manager, reason="Needs an engineer", engineer=engineer)
    ticket.refresh_from_db()
    assert ticket.assignee == engineer
