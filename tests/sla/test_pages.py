"""The SLA on the pages: the case page's panel, the manager's dashboard, notifications, the calendar banner."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from notices.models import Notice
from sla.models import CalendarYear, ClockState
from sla.services import sla_check_due
from tests.factories import make_ticket
from tickets.models import Priority
from tickets.services import ticket_assign, ticket_comment

from .conftest import sh


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def page(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


# --- the case page's panel (tickets.hooks) --------------------------------------------------------


def test_case_page_shows_each_clock_in_the_viewers_time_zone(client, policies, customer, manager, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer, priority=Priority.URGENT)
    traveller.move_to(sh(2026, 3, 2, 10, 30))
    manager.time_zone = "Europe/Berlin"
    manager.save()
    text = page(client, manager, reverse("tickets:case", args=[ticket.reference])).text
    panel = text[text.index('id="sla-heading"') :]
    assert "First response" in panel
    assert "2026-03-02 04:00" in panel  # 11:00 in Shanghai is 04:00 in Berlin
    assert "1 h 30 min left" not in panel
    assert "30 min left" in panel
    assert "Running" in panel


def test_case_page_shows_an_overdue_clock_as_breached(client, policies, customer, manager, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer, priority=Priority.URGENT)
    traveller.move_to(sh(2026, 3, 2, 11, 25))
    sla_check_due()
    text = page(client, manager, reverse("tickets:case", args=[ticket.reference])).text
    assert "overdue by 25 min" in text
    assert "text-bg-danger" in text[text.index('id="sla-heading"') :]


def test_customers_do_not_see_clocks(client, policies, customer, clock_at):
    clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer, priority=Priority.URGENT)
    response = page(client, customer, reverse("tickets:portal-case", args=[ticket.reference]))
    assert response.status_code == 200
    assert "sla-heading" not in response.text
    assert "First response" not in response.text


def test_case_without_clocks_has_no_sla_panel(client, customer, manager):
    ticket = make_ticket(contact=customer)
    assert "sla-heading" not in page(client, manager, reverse("tickets:case", args=[ticket.reference])).text


# --- the dashboard ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "status"), [("manager", 200), ("project_manager", 200), ("engineer", 403)])
def test_dashboard_is_for_managers(client, request, persona, status):
    user = request.getfixturevalue(persona)
    assert page(client, user, reverse("sla:dashboard")).status_code == status


def test_customers_and_strangers_get_no_dashboard(client, customer):
    assert client.get(reverse("sla:dashboard")).status_code == 302  # to the login page
    assert page(client, customer, reverse("sla:dashboard")).status_code == 403


@pytest.fixture
def march(policies, customer, manager, engineer, clock_at):
    """Four cases from 2026-03-02 09:00: met in 1 h, breached (answered after 28 h), open at risk, open breached."""
    traveller = clock_at(sh(2026, 3, 2, 9))
    fast = make_ticket(contact=customer)
    slow = make_ticket(contact=customer)
    for t in (fast, slow):
        ticket_assign(ticket_id=t.pk, assignee=engineer, actor=manager)
    traveller.move_to(sh(2026, 3, 2, 10))
    ticket_comment(ticket_id=fast.pk, actor=engineer, body="On it.")
    traveller.move_to(sh(2026, 3, 3, 8))
    late = make_ticket(contact=customer, priority=Priority.URGENT)
    waiting = make_ticket(contact=customer)
    traveller.move_to(sh(2026, 3, 3, 13))
    ticket_comment(ticket_id=slow.pk, actor=engineer, body="Sorry for the wait.")
    sla_check_due()
    return {"fast": fast, "slow": slow, "late": late, "waiting": waiting}


def test_dashboard_figures_match_the_clocks(client, manager, march):
    response = page(client, manager, reverse("sla:dashboard"), since="2026-03-01", until="2026-03-31")
    ctx = response.context
    (row,) = ctx["compliance"]
    assert (row["target"], row["total"], row["met"], row["breached"], row["percent_met"]) == (
        "first_response",
        2,
        1,
        1,
        50.0,
    )
    assert row["median_seconds"] == (1 + 28) / 2 * 3600
    # Each case also has a resolution clock (5 working days): four of them at risk.
    assert ctx["counts"] == {"at_risk": 5, "breached": 1}
    assert [c.ticket for c in ctx["at_risk"] if c.kind == "first_response"] == [march["waiting"]]
    assert [c.ticket for c in ctx["breached"]] == [march["late"]]
    trend = {d["day"].isoformat(): (d["met"], d["breached"]) for d in ctx["trend"]}
    assert len(trend) == 31
    assert trend["2026-03-02"] == (1, 0)
    assert trend["2026-03-03"] == (0, 1)
    assert trend["2026-03-04"] == (0, 0)
    assert "14 h 30 min" in response.text  # the median, as people read it


def test_dashboard_breaks_compliance_down_by_engineer(client, manager, engineer, march):
    rows = page(client, manager, reverse("sla:dashboard"), since="2026-03-01", until="2026-03-31", by="engineer")
    assert [(r["group"], r["total"]) for r in rows.context["compliance"]] == [(engineer.username, 2)]


def _references(client, url) -> set[str]:
    text = client.get(url).text
    return set(re.findall(r">(SR-\d{4}-\d+)<", text))


def test_every_dashboard_number_links_to_its_cases(client, manager, march):
    ctx = page(client, manager, reverse("sla:dashboard"), since="2026-03-01", until="2026-03-31", by="engineer").context
    (row,) = ctx["compliance"]
    refs = {k: v.reference for k, v in march.items()}
    assert _references(client, row["url"]) == {refs["fast"], refs["slow"]}
    assert _references(client, row["met_url"]) == {refs["fast"]}
    assert _references(client, row["breached_url"]) == {refs["slow"]}
    assert _references(client, ctx["at_risk_url"]) == set(refs.values())
    assert _references(client, ctx["at_risk_url"] + "&target=first_response") == {refs["waiting"]}
    assert _references(client, ctx["breached_url"]) == {refs["late"]}
    day = next(d for d in ctx["trend"] if d["day"].isoformat() == "2026-03-03")
    assert _references(client, day["breached_url"]) == {refs["slow"]}
    assert parse_qs(urlparse(row["url"]).query)["group"] == ["engineer"]


def test_unassigned_group_links_to_cases_without_an_engineer(client, manager, policies, customer, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer, priority=Priority.URGENT)
    traveller.move_to(sh(2026, 3, 2, 12))
    ticket_comment(ticket_id=ticket.pk, actor=manager, body="Late, sorry.")
    ctx = page(client, manager, reverse("sla:dashboard"), since="2026-03-01", until="2026-03-31", by="engineer").context
    (row,) = ctx["compliance"]
    assert row["group"] is None
    assert row["breached"] == 1
    assert _references(client, row["breached_url"]) == {ticket.reference}


def test_trend_chart_is_drawn_by_the_app_without_outside_assets(client, manager, march):
    text = page(client, manager, reverse("sla:dashboard"), since="2026-03-01", until="2026-03-31").text
    assert "<svg" in text
    assert 'fill="var(--bs-danger)"' in text
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', text)
    assert sources
    assert all(s.startswith("/static/") for s in sources), sources


def test_dashboard_refreshes_itself(client, manager):
    text = page(client, manager, reverse("sla:dashboard")).text
    assert 'hx-trigger="every 60s"' in text
    partial = client.get(reverse("sla:dashboard"), headers={"HX-Request": "true"})
    assert "<html" not in partial.text
    assert "At risk" in partial.text


def test_dashboard_query_count_is_fixed(client, manager, march, django_assert_num_queries):
    client.force_login(manager)
    url = reverse("sla:dashboard")
    # 1 session, 2 user, 3 groups (roles), 4 compliance rows, 5 the trend per day,
    # 6 at-risk count, 7 breached count, 8 at-risk clocks with their cases, 9 breached clocks with their cases,
    # 10 the most chased open cases (dispatch's panel).
    with django_assert_num_queries(10):
        client.get(url, {"since": "2026-03-01", "until": "2026-03-31", "by": "product"})


def test_a_bad_period_falls_back_to_the_last_30_days(client, manager):
    response = page(client, manager, reverse("sla:dashboard"), since="2026-03-31", until="2026-03-01")
    assert response.status_code == 200
    assert response.context["period_error"]


# --- notifications -----------------------------------------------------------------------------------


@pytest.fixture
def notified(policies, customer, manager, clock_at):
    traveller = clock_at(sh(2026, 3, 2, 9))
    tickets = [make_ticket(contact=customer, priority=Priority.URGENT) for _ in range(3)]
    traveller.move_to(sh(2026, 3, 2, 10, 40))  # past 75 % of 2 h: one warning per case
    sla_check_due()
    assert Notice.objects.filter(recipient=manager).count() == 3
    return tickets


def test_a_warned_clock_shows_its_warning_on_the_dashboard(client, manager, notified):
    text = page(client, manager, reverse("sla:dashboard")).text
    assert text.count("Warning: 75% used") == 3


def test_notifications_page_lists_the_users_notifications(client, manager, notified, project_manager):
    text = page(client, manager, reverse("notices:inbox")).text
    assert all(t.reference in text for t in notified)
    assert "SLA warning" in text
    assert "SR-" not in page(client, project_manager, reverse("notices:inbox")).text  # warnings go to managers


def test_the_old_notifications_address_redirects_to_the_inbox(client, manager):
    client.force_login(manager)
    response = client.get(reverse("sla:notifications"))
    assert response.status_code == 301
    assert response["Location"] == reverse("notices:inbox")


def test_navbar_shows_the_unread_count_and_mark_read_lowers_it(client, manager, notified):
    text = page(client, manager, reverse("tickets:queue")).text
    assert f'hx-get="{reverse("sla:nav")}"' in text
    assert ">3<" in client.get(reverse("sla:nav")).text
    note = Notice.objects.filter(recipient=manager).first()
    response = client.post(reverse("notices:read"), {"id": note.pk})
    assert response.status_code == 302
    assert ">2<" in client.get(reverse("sla:nav")).text
    client.post(reverse("notices:read"), {"all": "1"})
    assert "badge" not in client.get(reverse("sla:nav")).text
    assert not Notice.objects.filter(recipient=manager, read_at=None).exists()


def test_nobody_marks_anothers_notifications_read(client, manager, notified, project_manager):
    note = Notice.objects.filter(recipient=manager).first()
    page(client, project_manager, reverse("notices:inbox"))
    client.post(reverse("notices:read"), {"id": note.pk})
    note.refresh_from_db()
    assert note.read_at is None


def test_notifications_query_count_is_fixed(client, manager, notified, django_assert_num_queries):
    client.force_login(manager)
    # 1 session, 2 user, 3 one page of notices (facts in the row: no join), 4 groups (roles, for the menu).
    with django_assert_num_queries(4):
        client.get(reverse("notices:inbox"))
    # the navbar fragment: session, user, groups, the unread count, confirmed calendar years (managers).
    with django_assert_num_queries(5):
        client.get(reverse("sla:nav"))


# --- the unofficial-calendar banner -----------------------------------------------------------------


def test_managers_are_warned_of_a_year_without_an_official_schedule(client, manager, engineer, clock_at):
    clock_at(sh(2026, 11, 25, 9))  # the library knows 2026, not 2027
    client.force_login(manager)
    banner = client.get(reverse("sla:nav")).text
    assert "2027" in banner
    assert "alert-warning" in banner
    client.force_login(engineer)
    assert "alert-warning" not in client.get(reverse("sla:nav")).text
    CalendarYear.objects.create(year=2027, note="entered by hand")
    client.force_login(manager)
    assert "alert-warning" not in client.get(reverse("sla:nav")).text


def test_staff_pages_have_a_place_for_the_banner(client, manager):
    assert 'id="sla-banner"' in page(client, manager, reverse("tickets:queue")).text


def test_clock_states_read_as_words(client, manager, march):
    client.force_login(manager)
    text = client.get(reverse("sla:clocks"), {"list": "judged", "since": "2026-03-01", "until": "2026-03-31"}).text
    assert str(ClockState.MET.label) in text
    assert str(ClockState.BREACHED.label) in text
