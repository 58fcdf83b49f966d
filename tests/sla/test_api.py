"""The SLA figures over REST."""

import datetime as dt

from rest_framework.test import APIClient

from sla.models import ClockEvent
from sla.services import sla_check_due, sla_record_event
from tests.factories import make_ticket
from tickets.models import Priority
from tickets.services import ticket_comment

from .conftest import sh


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_case_clocks_show_target_deadline_and_time_left(policies, customer, manager, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer, priority=Priority.URGENT)
    traveller.move_to(sh(2026, 3, 2, 10, 30))
    response = api(manager).get(f"/api/v1/sla/tickets/{ticket.reference}/clocks/")
    assert response.status_code == 200
    first = next(c for c in response.json() if c["target"] == "first_response")
    assert first["state"] == "running"
    assert first["seconds_left"] == 30 * 60
    assert dt.datetime.fromisoformat(first["deadline"]) == sh(2026, 3, 2, 11)


def test_customers_do_not_see_clocks(policies, customer, clock_at):
    clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer)
    assert api(customer).get(f"/api/v1/sla/tickets/{ticket.reference}/clocks/").status_code == 403


def test_at_risk_is_sorted_by_time_left_and_breached_lists_overdue(policies, customer, manager, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9))
    normal = make_ticket(contact=customer)
    urgent = make_ticket(contact=customer, priority=Priority.URGENT)
    late = make_ticket(contact=customer, priority=Priority.URGENT)
    traveller.move_to(sh(2026, 3, 2, 9, 30))
    sla_record_event(ticket_id=late.pk, event=ClockEvent.ONSITE_DECIDED, actor=manager)
    traveller.move_to(sh(2026, 3, 2, 11, 30))
    sla_check_due()
    at_risk = api(manager).get("/api/v1/sla/at-risk/").json()["results"]
    assert [c["ticket"] for c in at_risk][:2] == [normal.reference, late.reference]  # 09:00, 09:30 tomorrow
    breached = api(manager).get("/api/v1/sla/breached/").json()["results"]
    assert {c["ticket"] for c in breached} == {urgent.reference, late.reference}


def test_compliance_per_target_over_a_period(policies, customer, manager, engineer, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9))
    fast = make_ticket(contact=customer)
    slow = make_ticket(contact=customer)
    traveller.move_to(sh(2026, 3, 2, 10))
    ticket_comment(ticket_id=fast.pk, actor=engineer, body="On it.")
    traveller.move_to(sh(2026, 3, 3, 13))
    ticket_comment(ticket_id=slow.pk, actor=engineer, body="Sorry for the wait.")
    response = api(manager).get(
        "/api/v1/sla/compliance/", {"since": "2026-03-01T00:00:00+08:00", "until": "2026-03-31T00:00:00+08:00"}
    )
    assert response.status_code == 200
    (row,) = response.json()
    assert (row["target"], row["total"], row["met"], row["percent_met"]) == ("first_response", 2, 1, 50.0)
    assert row["median_seconds"] == (1 + 28) / 2 * 3600
    by_engineer = (
        api(manager)
        .get(
            "/api/v1/sla/compliance/",
            {"since": "2026-03-01T00:00:00+08:00", "until": "2026-03-31T00:00:00+08:00", "by": "priority"},
        )
        .json()
    )
    assert by_engineer[0]["group"] == "normal"


def test_compliance_is_for_supervisors(policies, engineer):
    response = api(engineer).get(
        "/api/v1/sla/compliance/", {"since": "2026-03-01T00:00:00Z", "until": "2026-03-31T00:00:00Z"}
    )
    assert response.status_code == 403
