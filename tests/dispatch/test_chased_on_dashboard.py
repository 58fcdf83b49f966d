"""Repeated chases (催办) are counted on the manager's dashboard, most chased first."""

import pytest
from django.urls import reverse

from dispatch.services.handling import ticket_chase
from tests.factories import ContactFactory, make_ticket


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_dashboard_lists_the_most_chased_open_cases(client, customer, manager, department):
    calm = make_ticket(contact=customer, subject="Calm")
    once = make_ticket(contact=customer, subject="Chased once")
    twice = make_ticket(contact=customer, subject="Chased twice")
    ticket_chase(ticket_id=once.pk, actor=customer)
    ticket_chase(ticket_id=twice.pk, actor=customer)
    ticket_chase(ticket_id=twice.pk, actor=manager)  # another person: counted again

    client.force_login(manager)
    html = client.get(reverse("sla:dashboard")).text

    assert "Most chased open cases" in html
    assert html.index(twice.reference) < html.index(once.reference)
    assert calm.reference not in html
    assert reverse("tickets:case", args=[twice.reference]) in html


def test_the_chased_list_follows_the_access_rule(client, customer, project_manager, department):
    other = ContactFactory()
    theirs = make_ticket(contact=other)
    ticket_chase(ticket_id=theirs.pk, actor=other)
    client.force_login(project_manager)  # supervisors see every case
    assert theirs.reference in client.get(reverse("sla:dashboard")).text
