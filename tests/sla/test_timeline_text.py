"""SLA entries on the case timeline say what happened, in the reader's language and time zone."""

import pytest
from django.urls import reverse

from sla.services import sla_check_due
from tests.factories import make_ticket
from tickets.models import Priority

from .conftest import sh


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_case_timeline_shows_start_warning_and_breach(client, policies, customer, manager, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9, 0))
    ticket = make_ticket(contact=customer, priority=Priority.URGENT)  # first response in 2 h
    traveller.move_to(sh(2026, 3, 2, 10, 45))
    sla_check_due()
    traveller.move_to(sh(2026, 3, 2, 11, 5))
    sla_check_due()
    client.force_login(manager)

    html = client.get(reverse("tickets:case", args=[ticket.reference])).text

    assert "First response started, due 2026-03-02 11:00" in html
    assert "First response: 75% of the time used" in html
    assert "First response breached: the deadline 2026-03-02 11:00 has passed" in html


def test_the_deadline_is_shown_in_the_readers_time_zone(client, policies, customer, manager, clock_at):
    clock_at(sh(2026, 3, 2, 9, 0))
    ticket = make_ticket(contact=customer, priority=Priority.URGENT)
    manager.time_zone = "Europe/Berlin"
    manager.save()
    client.force_login(manager)
    html = client.get(reverse("tickets:case", args=[ticket.reference])).text
    assert "First response started, due 2026-03-02 04:00" in html  # 11:00 in Shanghai
