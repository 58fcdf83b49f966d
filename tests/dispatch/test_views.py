"""Dispatch from the pages: assign one case, or many from the queue (managers only)."""

import pytest
from django.urls import reverse

from tickets.lifecycle import Action, Status
from tickets.services import ticket_assign, ticket_transition

from ..factories import make_ticket


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_manager_assigns_a_case(client, manager, engineer, customer):
    ticket = make_ticket(contact=customer)
    client.force_login(manager)

    response = client.post(
        reverse("dispatch:assign", args=[ticket.reference]),
        {"assignee": engineer.pk, "note": "Your region"},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("tickets:case", args=[ticket.reference]), 302)]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.ASSIGNED, engineer)
    assert f"assigned to {engineer}" in response.text


def test_manager_reassigns_a_case_in_progress(client, manager, engineer, other_engineer, customer):
    ticket = make_ticket(contact=customer)
    ticket_assign(ticket_id=ticket.pk, assignee=engineer, actor=manager)
    ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
    client.force_login(manager)
    client.post(reverse("dispatch:assign", args=[ticket.reference]), {"assignee": other_engineer.pk})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.ASSIGNED, other_engineer)


@pytest.mark.parametrize("persona", ["agent", "engineer", "customer"])
def test_only_supervisors_dispatch(client, persona, request, engineer, customer):
    ticket = make_ticket(contact=customer)
    client.force_login(request.getfixturevalue(persona))
    assert (
        client.post(reverse("dispatch:assign", args=[ticket.reference]), {"assignee": engineer.pk}).status_code == 403
    )
    response = client.post(reverse("dispatch:bulk-assign"), {"assignee": engineer.pk, "tickets": [ticket.reference]})
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_assign_needs_post(client, manager, customer):
    ticket = make_ticket(contact=customer)
    client.force_login(manager)
    assert client.get(reverse("dispatch:assign", args=[ticket.reference])).status_code == 405


def test_assign_without_an_engineer_shows_a_message(client, manager, agent, customer):
    ticket = make_ticket(contact=customer)
    client.force_login(manager)
    response = client.post(reverse("dispatch:assign", args=[ticket.reference]), {"assignee": agent.pk}, follow=True)
    assert response.status_code == 200
    assert "Choose an engineer" in response.text
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_assigning_a_closed_case_shows_a_message(client, manager, engineer, customer):
    ticket = make_ticket(contact=customer)
    ticket_transition(ticket_id=ticket.pk, action=Action.CANCEL, actor=manager)
    client.force_login(manager)
    response = client.post(reverse("dispatch:assign", args=[ticket.reference]), {"assignee": engineer.pk}, follow=True)
    assert response.status_code == 200
    assert "cannot be moved by" in response.text


def test_assign_unknown_case_is_404(client, manager, engineer, db):
    client.force_login(manager)
    assert (
        client.post(reverse("dispatch:assign", args=["SR-0000-000000"]), {"assignee": engineer.pk}).status_code == 404
    )


def test_bulk_assign_reports_how_many_and_which_failed(client, manager, engineer, customer):
    first, second = make_ticket(contact=customer), make_ticket(contact=customer)
    closed = make_ticket(contact=customer)
    ticket_transition(ticket_id=closed.pk, action=Action.CANCEL, actor=manager)
    client.force_login(manager)
    back = reverse("tickets:queue") + "?status=new"

    response = client.post(
        reverse("dispatch:bulk-assign"),
        {
            "assignee": engineer.pk,
            "tickets": [first.reference, second.reference, closed.reference, "SR-0000-999999"],
            "next": back,
        },
        follow=True,
    )

    assert response.redirect_chain == [(back, 302)]
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert (ticket.status, ticket.assignee) == (Status.ASSIGNED, engineer)
    closed.refresh_from_db()
    assert closed.status == Status.CANCELLED
    html = response.text
    assert f"2 cases assigned to {engineer}" in html
    assert f"{closed.reference} not assigned" in html
    assert "SR-0000-999999 not assigned: not found" in html


def test_bulk_assign_without_cases_or_engineer(client, manager, db):
    client.force_login(manager)
    response = client.post(reverse("dispatch:bulk-assign"), {}, follow=True)
    assert response.status_code == 200
    assert "Tick at least one case." in response.text


def test_bulk_assign_ignores_an_outside_next_url(client, manager, engineer, customer):
    ticket = make_ticket(contact=customer)
    client.force_login(manager)
    response = client.post(
        reverse("dispatch:bulk-assign"),
        {"assignee": engineer.pk, "tickets": [ticket.reference], "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("tickets:queue")
