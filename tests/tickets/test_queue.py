"""The staff queue: a dense table, filters and sort in the URL, paging without COUNT, bulk assign."""

import pytest
from django.urls import reverse

from tickets.lifecycle import Status
from tickets.models import Priority
from tickets.services import ticket_assign

from ..factories import ContactFactory, DepartmentFactory, DeviceFactory, make_ticket


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.mark.parametrize("persona", ["agent", "engineer", "manager", "project_manager", "admin_user"])
def test_queue_renders_for_staff(client, persona, request, customer):
    make_ticket(contact=customer)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("tickets:queue")).status_code == 200


def test_customer_cannot_open_the_queue(client, customer):
    client.force_login(customer)
    assert client.get(reverse("tickets:queue")).status_code == 403


def test_queue_needs_login(client, db):
    response = client.get(reverse("tickets:queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_queue_row_shows_the_case_at_a_glance(client, agent, customer, engineer, manager):
    device = DeviceFactory(organisation=customer.organisation, serial_number="SN-ROW-1")
    ticket = make_ticket(contact=customer, device=device, priority=Priority.URGENT, subject="Fan failure")
    ticket_assign(ticket_id=ticket.pk, assignee=engineer, actor=manager)
    client.force_login(agent)

    html = client.get(reverse("tickets:queue")).text

    row = html.split(f">{ticket.reference}</a>")[1].split("</tr>")[0]
    for text in ("Urgent", "Assigned", "Fan failure", customer.organisation.name, "SN-ROW-1", str(engineer)):
        assert text in row
    assert "After-sales support" in row  # the department the routing gave it


def test_queue_escapes_subjects(client, agent, customer):
    make_ticket(contact=customer, subject="<script>alert(1)</script>")
    client.force_login(agent)
    html = client.get(reverse("tickets:queue")).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_engineer_queue_shows_only_their_cases_and_new_unassigned_ones(
    client, engineer, other_engineer, manager, customer
):
    mine = make_ticket(contact=customer, subject="Mine")
    ticket_assign(ticket_id=mine.pk, assignee=engineer, actor=manager)
    theirs = make_ticket(contact=customer, subject="Theirs")
    ticket_assign(ticket_id=theirs.pk, assignee=other_engineer, actor=manager)
    unassigned = make_ticket(contact=customer, subject="Nobody's")
    client.force_login(engineer)

    html = client.get(reverse("tickets:queue")).text

    assert mine.reference in html
    assert unassigned.reference in html
    assert theirs.reference not in html


def test_queue_filters_live_in_the_url(client, agent, customer):
    urgent = make_ticket(contact=customer, priority=Priority.URGENT, subject="Urgent one")
    normal = make_ticket(contact=customer, subject="Normal one")
    client.force_login(agent)

    html = client.get(reverse("tickets:queue"), {"priority": "urgent"}).text

    assert urgent.reference in html
    assert normal.reference not in html
    assert '<option value="urgent" selected>' in html


def test_queue_search_by_reference_subject_or_serial(client, agent, customer):
    device = DeviceFactory(organisation=customer.organisation, serial_number="SN-FIND-ME")
    by_serial = make_ticket(contact=customer, device=device, subject="Alpha")
    by_subject = make_ticket(contact=customer, subject="Power supply humming")
    other = make_ticket(contact=customer, subject="Beta")
    client.force_login(agent)

    def found(q):
        html = client.get(reverse("tickets:queue"), {"q": q}).text
        return {t.reference for t in (by_serial, by_subject, other) if f">{t.reference}</a>" in html}

    assert found("sn-find-me") == {by_serial.reference}
    assert found("humming") == {by_subject.reference}
    assert found(other.reference) == {other.reference}
    assert found(other.reference.lower()) == {other.reference}


def test_queue_status_filter_takes_several_values(client, agent, customer, manager, engineer):
    new = make_ticket(contact=customer)
    assigned = make_ticket(contact=customer)
    ticket_assign(ticket_id=assigned.pk, assignee=engineer, actor=manager)
    client.force_login(agent)

    html = client.get(reverse("tickets:queue") + "?status=assigned&status=archived").text

    assert assigned.reference in html
    assert new.reference not in html
    assert 'value="assigned" id="status-assigned" checked' in html


def test_queue_department_quick_links(client, agent, customer):
    DepartmentFactory(code="pre-sales", name="Pre-sales support")
    client.force_login(agent)
    html = client.get(reverse("tickets:queue")).text
    assert "Pre-sales support" in html
    assert "After-sales support" in html


def test_engineer_gets_my_cases_and_unassigned_links(client, engineer):
    client.force_login(engineer)
    html = client.get(reverse("tickets:queue")).text
    assert f"?assignee={engineer.pk}&amp;" in html
    assert "?unassigned=true" in html


def test_queue_sort_headers_toggle_and_keep_filters(client, agent, customer):
    make_ticket(contact=customer)
    client.force_login(agent)
    html = client.get(reverse("tickets:queue"), {"priority": "normal", "o": "-reference", "page": "2"}).text
    # Sorting again by reference flips the direction, keeps the filter and returns to page 1.
    assert 'href="?priority=normal&amp;o=reference"' in html
    assert 'aria-sort="descending"' in html


def test_queue_sorts_by_priority(client, agent, customer):
    normal = make_ticket(contact=customer)
    urgent = make_ticket(contact=customer, priority=Priority.URGENT)
    client.force_login(agent)
    html = client.get(reverse("tickets:queue"), {"o": "-priority"}).text
    assert html.index(urgent.reference) < html.index(normal.reference)


def test_queue_pages_without_count(client, agent, customer):
    tickets = [make_ticket(contact=customer) for _ in range(27)]
    client.force_login(agent)

    first = client.get(reverse("tickets:queue"))
    second = client.get(reverse("tickets:queue"), {"page": 2})

    assert first.context["has_next"] is True
    assert len(first.context["tickets"]) == 25
    assert second.context["has_next"] is False
    assert [t.pk for t in second.context["tickets"]] == [t.pk for t in tickets[:2]][::-1]
    assert 'rel="next"' in first.text
    assert 'rel="prev"' in second.text


def test_queue_ignores_a_bad_page_and_a_bad_page_size(client, agent, customer):
    make_ticket(contact=customer)
    client.force_login(agent)
    response = client.get(reverse("tickets:queue"), {"page": "x", "page_size": "100000"})
    assert response.status_code == 200
    assert response.context["page_size"] == 25


def test_queue_answers_a_page_number_past_any_database_offset(client, agent, customer):
    make_ticket(contact=customer)
    client.force_login(agent)
    response = client.get(reverse("tickets:queue"), {"page": "99999999999999999999"})
    assert response.status_code == 200
    assert response.context["tickets"] == []


def test_managers_get_bulk_assign_others_do_not(client, manager, agent, engineer, customer):
    make_ticket(contact=customer)
    client.force_login(manager)
    html = client.get(reverse("tickets:queue")).text
    assert reverse("dispatch:bulk-assign") in html
    assert 'form="bulk-assign"' in html
    assert str(engineer) in html

    client.force_login(agent)
    assert reverse("dispatch:bulk-assign") not in client.get(reverse("tickets:queue")).text


def _queue_rows(client, size):
    response = client.get(reverse("tickets:queue"), {"page_size": size})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("size", [25, 50])
@pytest.mark.parametrize("count", [5, 40])
def test_manager_queue_query_count(client, manager, customer, engineer, django_assert_num_queries, size, count):
    for _ in range(count):
        ticket = make_ticket(contact=customer, device=DeviceFactory(organisation=customer.organisation))
        ticket_assign(ticket_id=ticket.pk, assignee=engineer, actor=manager)
    client.force_login(manager)
    # 1 session, 2 user, 3 the user's groups (roles),
    # 4 one page of cases joined with organisation, contact, device, product, engineer, department,
    # 5 departments (quick links), 6 engineers (bulk-assign select),
    # filter form selects: 7 departments, 8 organisations, 9 engineers.
    with django_assert_num_queries(9):
        response = _queue_rows(client, size)
    assert len(response.context["tickets"]) == min(count, size)


@pytest.mark.parametrize("count", [5, 40])
def test_agent_queue_query_count(client, agent, customer, django_assert_num_queries, count):
    for _ in range(count):
        make_ticket(contact=customer, device=DeviceFactory(organisation=customer.organisation))
    client.force_login(agent)
    # session, user, groups, one page of cases with their joins, departments (quick links),
    # filter selects: departments, organisations, engineers. No engineer list: agents do not dispatch.
    with django_assert_num_queries(8):
        _queue_rows(client, 50)


def test_filtered_queue_query_count_stays_fixed(client, manager, customer, django_assert_max_num_queries):
    department = DepartmentFactory(code="after-sales")
    for _ in range(30):
        make_ticket(contact=ContactFactory(organisation=customer.organisation))
    client.force_login(manager)
    # The nine above, plus one to check the chosen department exists.
    with django_assert_max_num_queries(10):
        response = client.get(
            reverse("tickets:queue"),
            {"department": department.pk, "status": [Status.NEW], "q": "Disk", "o": "-updated_at"},
        )
    assert len(response.context["tickets"]) == 25
