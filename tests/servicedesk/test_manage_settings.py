"""Managers edit the settings they own at /manage/, and each change is recorded (who, when, before, after)."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse

from accounts.roles import SETTINGS_PERMISSIONS, Role
from dispatch.models import DispatchPolicy
from sla.clocks import POLICY_CACHE_KEY
from sla.models import CalendarDay, SlaClock, SlaPolicy, SlaTarget, TargetKind
from tests.factories import DepartmentFactory, OrganisationFactory, make_ticket
from tests.sla.conftest import calendars, policies  # noqa: F401  (fixtures)
from tickets.models import RoutingRule
from warranty.models import ServiceContract

H = dt.timedelta(hours=1)


class FormScraper(HTMLParser):
    """What a browser would submit from one form: inputs, checked boxes, selected options, textareas."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self.data.append((name, a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self.data.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.append((name, ""))

    def handle_data(self, data):
        if self._textarea:
            name, text = self.data.pop()
            self.data.append((name, text + data))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self.data.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_fields(response, form_id: str) -> dict[str, str]:
    scraper = FormScraper(form_id)
    scraper.feed(response.content.decode())
    # A textarea's first newline is not part of its value.
    return {name: value.removeprefix("\n") for name, value in scraper.data}


@pytest.fixture
def supervisor(request, db):
    return request.getfixturevalue(request.param)


def edit_first_response(client, policy: SlaPolicy, duration: str):
    """Open the policy's change page, change the first-response target's duration, and save, as a browser would."""
    url = reverse("manage:sla_slapolicy_change", args=[policy.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = form_fields(page, "slapolicy_form")
    index = next(k.split("-")[1] for k, v in data.items() if k.endswith("-kind") and v == TargetKind.FIRST_RESPONSE)
    assert data["targets-TOTAL_FORMS"] == "4"
    assert data["targets-INITIAL_FORMS"] == "4"
    data[f"targets-{index}-duration"] = duration
    return client.post(url, data)


@pytest.mark.parametrize("supervisor", ["manager", "project_manager"], indirect=True)
def test_supervisor_edits_a_policy_target_and_the_change_is_recorded(client, supervisor, policies):  # noqa: F811
    client.force_login(supervisor)
    target = SlaTarget.objects.get(policy=policies["default"], kind=TargetKind.FIRST_RESPONSE)

    response = edit_first_response(client, policies["default"], "04:00:00")

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    target.refresh_from_db()
    assert target.duration == 4 * H
    after, before = SlaTarget.history.filter(id=target.pk).order_by("-history_id")[:2]
    assert after.history_user == supervisor
    assert before.duration == 24 * H
    assert after.duration == 4 * H
    change = after.diff_against(before)
    assert [(c.field, c.old, c.new) for c in change.changes] == [("duration", 24 * H, 4 * H)]
    # Nothing else changed: no record for the other targets nor the policy.
    assert SlaTarget.history.filter(history_user=supervisor).count() == 1
    assert not SlaPolicy.history.filter(history_user=supervisor).exists()


def test_history_page_shows_who_changed_what_from_what_to_what(client, manager, policies):  # noqa: F811
    client.force_login(manager)
    edit_first_response(client, policies["default"], "04:00:00")

    page = client.get(reverse("manage:sla_slapolicy_history", args=[policies["default"].pk]), HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    text = page.content.decode()
    assert "SLA targets" in text
    assert str(manager) in text
    assert "1 00:00:00&nbsp;&rarr;&nbsp;04:00:00" in text
    assert "4:00:00" in text


def test_new_case_takes_the_new_terms_and_running_clocks_keep_theirs(client, manager, customer, policies):  # noqa: F811
    earlier = make_ticket(contact=customer)
    assert cache.get(POLICY_CACHE_KEY) is not None  # the policies were read and cached
    client.force_login(manager)

    edit_first_response(client, policies["default"], "04:00:00")

    assert cache.get(POLICY_CACHE_KEY) is None
    later = make_ticket(contact=customer)
    assert SlaClock.objects.get(ticket=later, kind=TargetKind.FIRST_RESPONSE).duration == 4 * H
    assert SlaClock.objects.get(ticket=earlier, kind=TargetKind.FIRST_RESPONSE).duration == 24 * H


def test_manager_can_apply_new_terms_to_running_clocks(client, manager, customer, policies):  # noqa: F811
    earlier = make_ticket(contact=customer)
    client.force_login(manager)
    edit_first_response(client, policies["default"], "04:00:00")

    response = client.post(
        reverse("manage:sla_slapolicy_changelist"),
        {"action": "reapply_to_running_clocks", "_selected_action": [policies["default"].pk]},
    )

    assert response.status_code == 302
    assert SlaClock.objects.get(ticket=earlier, kind=TargetKind.FIRST_RESPONSE).duration == 4 * H


@pytest.mark.parametrize("supervisor", ["manager", "project_manager"], indirect=True)
def test_supervisor_adds_an_adjusted_working_day(client, supervisor):
    client.force_login(supervisor)
    url = reverse("manage:sla_calendarday_add")
    data = form_fields(client.get(url), "calendarday_form")
    data.update({"date": "2027-02-06", "is_working": "on", "note": "春节调休"})

    response = client.post(url, data)

    assert response.status_code == 302
    day = CalendarDay.objects.get(date=dt.date(2027, 2, 6))
    assert day.is_working
    record = day.history.get()
    assert (record.history_type, record.history_user, record.is_working) == ("+", supervisor, True)


@pytest.mark.parametrize("role", ["engineer", "agent", "customer"])
def test_other_roles_are_refused(client, request, role):
    client.force_login(request.getfixturevalue(role))
    for url in ("/manage/", "/manage/sla/slapolicy/", "/manage/sla/calendarday/add/"):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get("/manage/sla/slapolicy/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/manage/sla/slapolicy/"


@pytest.mark.parametrize(
    "url",
    [
        "/manage/accounts/user/",
        "/manage/accounts/user/1/change/",
        "/manage/auth/group/",
        "/manage/authtoken/tokenproxy/",
        "/manage/sla/slaclock/",
        "/manage/tickets/ticket/",
    ],
)
def test_manager_cannot_reach_models_outside_the_settings(client, manager, url):
    client.force_login(manager)
    assert client.get(url).status_code == 404


def test_manager_is_still_not_let_into_the_full_admin(client, manager):
    client.force_login(manager)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_settings_index_lists_only_the_settings(client, manager):
    client.force_login(manager)
    page = client.get("/manage/", HTTP_ACCEPT_LANGUAGE="en")
    models = {m["object_name"] for app in page.context["app_list"] for m in app["models"]}
    assert models == {
        "SlaPolicy",
        "Calendar",
        "CalendarDay",
        "CalendarYear",
        "DispatchPolicy",
        "Department",
        "RoutingRule",
        "ServiceContract",
        "SurveySettings",
    }


def test_role_groups_carry_the_settings_permissions(db):
    for role in (Role.MANAGER, Role.PROJECT_MANAGER):
        perms = {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=role).permissions.all()}
        assert set(SETTINGS_PERMISSIONS) <= perms
    assert len(SETTINGS_PERMISSIONS) == 44


def test_supervisors_find_the_settings_in_the_navigation(client, manager, engineer):
    client.force_login(manager)
    assert 'href="/manage/"' in client.get(reverse("tickets:queue")).content.decode()
    client.force_login(engineer)
    assert 'href="/manage/"' not in client.get(reverse("tickets:queue")).content.decode()


def _rows(n: int) -> None:
    for i in range(n):
        department = DepartmentFactory()
        DispatchPolicy.objects.create(department=department)
        organisation = OrganisationFactory()
        RoutingRule.objects.create(department=department, organisation=organisation)
        contract = ServiceContract.objects.create(
            organisation=organisation, number=f"C-{i}-{department.pk}", starts_on="2026-01-01", ends_on="2027-12-31"
        )
        SlaPolicy.objects.create(name=f"P{department.pk}", contract=contract)
        SlaPolicy.objects.create(name=f"O{department.pk}", organisation=organisation)
        CalendarDay.objects.create(date=dt.date(2027, 1, 1) + dt.timedelta(days=department.pk), is_working=True)


@pytest.mark.parametrize(
    "name",
    [
        "sla_slapolicy",
        "sla_calendar",
        "sla_calendarday",
        "sla_calendaryear",
        "dispatch_dispatchpolicy",
        "tickets_department",
        "tickets_routingrule",
        "warranty_servicecontract",
    ],
)
def test_settings_lists_query_count_does_not_grow_with_rows(client, manager, name, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)
    url = reverse(f"manage:{name}_changelist")
    _rows(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _rows(6)
    # session, user, roles, user and group permissions, the two counts, the rows joined with what
    # their columns show; the calendar pages add the unofficial-years check and the date drill-down
    with django_assert_max_num_queries(11), CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_rows_older_than_the_history_get_a_baseline_so_their_first_change_has_a_before(client, manager):
    from django.apps import apps

    from core.history import BASELINE_REASON, history_baseline

    day = CalendarDay.objects.create(date=dt.date(2027, 2, 7), is_working=False, note="")
    day.history.all().delete()  # as if it had been entered before recording began
    history_baseline("sla", "CalendarDay")(apps, None)
    history_baseline("sla", "CalendarDay")(apps, None)  # a second run adds nothing
    assert [r.history_change_reason for r in day.history.all()] == [BASELINE_REASON]

    client.force_login(manager)
    url = reverse("manage:sla_calendarday_change", args=[day.pk])
    data = form_fields(client.get(url), "calendarday_form")
    data.update({"is_working": "on", "note": "调休上班"})
    assert client.post(url, data).status_code == 302

    page = client.get(reverse("manage:sla_calendarday_history", args=[day.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "开始记录时的状态" in text
    assert "否&nbsp;&rarr;&nbsp;是" in text
    assert "调休上班" in text


def test_a_settings_change_is_also_in_the_security_audit_log(client, manager, policies):  # noqa: F811
    from accounts.models import SecurityEvent, SecurityEventKind

    client.force_login(manager)
    edit_first_response(client, policies["default"], "04:00:00")
    (event,) = SecurityEvent.objects.filter(kind=SecurityEventKind.SETTINGS_CHANGED)
    assert event.user == manager
    assert event.detail["model"] == "sla.SlaTarget"
    assert event.detail["change"] == "changed"
    assert event.path.startswith("/manage/")


def test_manager_sets_the_survey_thresholds_and_the_loop_follows_them(client, manager, customer, engineer):
    from surveys.models import Survey, SurveySettings
    from surveys.services import survey_answer
    from tickets.lifecycle import Action, Status
    from tickets.services import ticket_transition

    client.force_login(manager)
    url = reverse("manage:surveys_surveysettings_add")
    data = form_fields(client.get(url), "surveysettings_form")
    data.update({"satisfied_score": "3", "no_answer_days": "10"})
    assert client.post(url, data).status_code == 302
    record = SurveySettings.objects.get().history.get()
    assert (record.history_type, record.history_user, record.satisfied_score) == ("+", manager, 3)
    again = client.get(url)  # one row: "add" opens it for changing
    assert again.status_code == 302
    assert again["Location"] == reverse("manage:surveys_surveysettings_change", args=[SurveySettings.objects.get().pk])

    ticket = make_ticket(contact=customer)
    ticket_transition(ticket_id=ticket.pk, action=Action.ASSIGN, actor=manager, assignee=engineer)
    ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
    ticket_transition(ticket_id=ticket.pk, action=Action.RESOLVE, actor=engineer, resolution="Replaced the disk.")
    survey_answer(token=Survey.objects.get(ticket=ticket).token, score=3)  # 3 < the default 4
    ticket.refresh_from_db()
    assert ticket.status == Status.ARCHIVED
