"""The staff queue shows every row's SLA time left, so the desk sees what falls due next without opening cases."""

import pytest
from django.urls import reverse

from tests.factories import make_ticket
from tickets.models import Priority

from .conftest import sh


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _row(html: str, reference: str) -> str:
    start = html.index(f">{reference}</a>")
    return html[start : html.index("</tr>", start)]


def test_each_queue_row_shows_its_most_pressing_clock(client, policies, customer, agent, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9, 0))
    urgent = make_ticket(contact=customer, priority=Priority.URGENT)  # 2 h first response
    normal = make_ticket(contact=customer)  # 24 h first response
    traveller.move_to(sh(2026, 3, 2, 12, 0))
    client.force_login(agent)

    html = client.get(reverse("tickets:queue")).text

    assert "SLA time left" in html
    assert "overdue by 1 h" in _row(html, urgent.reference)
    assert "21 h" in _row(html, normal.reference)


def test_a_case_without_clocks_shows_an_empty_cell(client, customer, agent, department):
    ticket = make_ticket(contact=customer)  # no SLA policy exists in this test
    client.force_login(agent)
    html = client.get(reverse("tickets:queue")).text
    assert "overdue" not in _row(html, ticket.reference)


def test_the_column_adds_no_query(client, policies, customer, manager, django_assert_max_num_queries):
    for _ in range(30):
        make_ticket(contact=customer)
    client.force_login(manager)
    # Same bound as the queue without the column (tests/tickets/test_queue.py): the clocks are
    # subqueries of the one page query.
    with django_assert_max_num_queries(9):
        client.get(reverse("tickets:queue"), {"page_size": 25})
