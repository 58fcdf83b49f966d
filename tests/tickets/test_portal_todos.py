"""The portal's "what is asked of you": every room adds what its flow waits for from the customer."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dispatch.remote.services import remote_session_request
from surveys.models import Survey
from tickets.lifecycle import Action
from tickets.services import ticket_assign, ticket_resolve, ticket_transition

from ..factories import make_ticket


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def asked(customer, engineer, manager, department):
    def in_progress(subject):
        ticket = make_ticket(contact=customer, subject=subject)
        ticket_assign(ticket_id=ticket.pk, assignee=engineer, actor=manager)
        ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
        return ticket

    waiting = in_progress("Needs logs")
    ticket_transition(ticket_id=waiting.pk, action=Action.WAIT, actor=engineer, note="Send the logs")
    resolved = in_progress("Fixed already")
    ticket_resolve(ticket_id=resolved.pk, resolution="Done", actor=engineer)
    remote = in_progress("Needs a remote look")
    now = timezone.now()
    remote_session_request(
        ticket_id=remote.pk,
        actor=engineer,
        purpose="Check the array logs",
        target_system="array-01",
        window_start=now + dt.timedelta(hours=1),
        window_end=now + dt.timedelta(hours=2),
    )
    return {"waiting": waiting, "resolved": resolved, "remote": remote}


def test_portal_lists_replies_surveys_and_approvals_waiting_for_the_customer(client, customer, asked):
    client.force_login(customer)
    response = client.get(reverse("tickets:portal"))
    todos = response.context["todos"]
    texts = " | ".join(t.text for t in todos)
    assert asked["waiting"].reference in texts
    assert f"Tell us how we did on {asked['resolved'].reference}" in texts
    assert f"Allow a remote session on {asked['remote'].reference}" in texts
    survey = Survey.objects.get(ticket=asked["resolved"])
    assert reverse("surveys:answer", args=[survey.token]) in response.text


def test_another_organisation_sees_none_of_it(client, other_customer, asked):
    client.force_login(other_customer)
    assert client.get(reverse("tickets:portal")).context["todos"] == []


def test_the_case_page_offers_its_own_survey(client, customer, asked):
    client.force_login(customer)
    response = client.get(reverse("tickets:portal-case", args=[asked["resolved"].reference]))
    survey = Survey.objects.get(ticket=asked["resolved"])
    assert reverse("surveys:answer", args=[survey.token]) in response.text
