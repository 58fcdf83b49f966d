"""The case API over HTTP: auth, create, the permission matrix, the lifecycle, timeline, files, bad input."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from tests.factories import PASSWORD, DepartmentFactory, DeviceFactory, make_ticket
from tickets.lifecycle import TRANSITIONS, Action, Status
from tickets.models import ArchiveReason, Attachment, Channel, EventKind, Ticket
from tickets.services import ticket_assign, ticket_comment, ticket_transition

LIST = "/api/v1/tickets/"
HUGE = "99999999999999999999"  # larger than any database integer


def detail(ticket) -> str:
    return f"{LIST}{ticket.pk}/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    # Anonymous requests (the token endpoint) are throttled through the cache.
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def login(api: APIClient, user) -> APIClient:
    api.force_login(user)
    return api


def ticket_in(status: Status, *, customer, engineer, manager, **kwargs) -> Ticket:
    """A case of the customer's organisation brought to ``status`` the way people would."""
    ticket = make_ticket(contact=customer, **kwargs)
    pk = ticket.pk
    if status == Status.NEW:
        return ticket
    if status == Status.CANCELLED:
        return ticket_transition(ticket_id=pk, action=Action.CANCEL, actor=manager)
    ticket_assign(ticket_id=pk, assignee=engineer, actor=manager)
    if status == Status.ASSIGNED:
        return Ticket.objects.get(pk=pk)
    ticket_transition(ticket_id=pk, action=Action.START, actor=engineer)
    if status == Status.IN_PROGRESS:
        return Ticket.objects.get(pk=pk)
    if status == Status.WAITING:
        return ticket_transition(ticket_id=pk, action=Action.WAIT, actor=engineer, note="Which firmware?")
    ticket_transition(ticket_id=pk, action=Action.RESOLVE, actor=engineer, resolution="Replaced the controller.")
    if status == Status.RESOLVED:
        return Ticket.objects.get(pk=pk)
    if status == Status.ARCHIVED:
        return ticket_transition(ticket_id=pk, action=Action.ARCHIVE, actor=manager)
    if status == Status.REOPENED:
        return ticket_transition(ticket_id=pk, action=Action.REOPEN, actor=manager)
    raise AssertionError(status)


@pytest.fixture
def case_in(customer, engineer, manager):
    def make(status: Status, **kwargs) -> Ticket:
        return ticket_in(status, customer=customer, engineer=engineer, manager=manager, **kwargs)

    return make


# --- authentication -------------------------------------------------------------------


def test_token_is_issued_for_good_credentials_and_authenticates_requests(api, customer, case_in):
    ticket = case_in(Status.NEW)
    response = api.post("/api/v1/auth/token/", {"username": "customer", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=customer).key

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get(LIST)
    assert response.status_code == 200
    assert [t["id"] for t in response.json()["results"]] == [ticket.pk]


def test_token_is_refused_for_bad_credentials(api, customer):
    response = api.post("/api/v1/auth/token/", {"username": "customer", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not Token.objects.exists()


def test_token_request_without_fields_names_them(api, db):
    response = api.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_anonymous_request_is_unauthorised(api, db):
    assert api.get(LIST).status_code == 401


def test_token_endpoint_is_throttled_against_password_guessing(api, customer, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/min", raising=False)
    for _ in range(3):
        response = api.post("/api/v1/auth/token/", {"username": "customer", "password": "guess"}, format="json")
        assert response.status_code == 400
    response = api.post("/api/v1/auth/token/", {"username": "customer", "password": PASSWORD}, format="json")
    assert response.status_code == 429


def test_unknown_token_is_unauthorised(api, db):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api.get(LIST).status_code == 401


def test_session_login_works_too(api, agent, case_in):
    case_in(Status.NEW)
    assert login(api, agent).get(LIST).status_code == 200


# --- creating -------------------------------------------------------------------------


def test_customer_creates_a_case_for_their_own_organisation_over_the_api(api, customer):
    response = login(api, customer).post(
        LIST,
        {"category": "fault", "subject": "Array offline", "description": "Since 09:00.", "channel": "hotline"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith("SR-")
    assert body["status"] == "new"
    assert body["status_label"]
    assert body["channel"] == Channel.API  # customers cannot claim another channel
    assert body["organisation"] == {"id": customer.organisation_id, "name": customer.organisation.name}
    assert body["contact"]["id"] == customer.pk
    assert body["allowed_actions"] == ["cancel"]
    assert body["department"]["name"] == "After-sales support"  # the default department
    ticket = Ticket.objects.get(pk=body["id"])
    assert ticket.created_by == customer
    assert ticket.events.get().kind == EventKind.CREATED


def test_customer_cannot_name_another_organisation_contact_or_device(api, customer, other_customer):
    foreign_device = DeviceFactory(organisation=other_customer.organisation)
    response = login(api, customer).post(
        LIST,
        {
            "category": "fault",
            "subject": "Theirs",
            "description": "…",
            "organisation": other_customer.organisation_id,
            "contact": other_customer.pk,
            "device": foreign_device.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"organisation", "contact", "device"}
    assert not Ticket.objects.exists()


def test_agent_creates_a_case_on_behalf_of_a_caller(api, agent, customer):
    device = DeviceFactory(organisation=customer.organisation)
    department = DepartmentFactory(code="hotline", name="Hotline")
    response = login(api, agent).post(
        LIST,
        {
            "channel": "hotline",
            "category": "fault",
            "priority": "urgent",
            "subject": "Caller reports an outage",
            "description": "Whole site down.",
            "organisation": customer.organisation_id,
            "contact": customer.pk,
            "device": device.pk,
            "department": department.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["channel"], body["priority"]) == ("hotline", "urgent")
    assert body["contact"]["id"] == customer.pk
    assert body["device"] == {"id": device.pk, "name": str(device), "serial_number": device.serial_number}
    assert body["department"] == {"id": department.pk, "name": "Hotline"}
    assert set(body["allowed_actions"]) == {"cancel"}
    assert Ticket.objects.get(pk=body["id"]).created_by == agent


def test_staff_create_defaults_to_the_api_channel(api, agent, customer):
    response = login(api, agent).post(
        LIST,
        {"category": "consultation", "subject": "Q", "description": "?", "contact": customer.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["channel"] == "api"
    assert response.json()["organisation"]["id"] == customer.organisation_id  # taken from the contact


def test_agent_cannot_file_a_contact_under_another_organisation(api, agent, customer, other_customer):
    response = login(api, agent).post(
        LIST,
        {
            "category": "fault",
            "subject": "Mixed up",
            "description": "…",
            "organisation": customer.organisation_id,
            "contact": other_customer.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"contact"}


def test_create_with_bad_input_answers_400_naming_each_field(api, agent):
    response = login(api, agent).post(
        LIST,
        {
            "channel": "fax",
            "category": "nonsense",
            "priority": 3,
            "subject": "",
            "organisation": "abc",
            "contact": [1],
            "device": HUGE,
            "department": 424242,
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {
        "channel",
        "category",
        "priority",
        "subject",
        "description",
        "organisation",
        "contact",
        "device",
        "department",
    }
    assert not Ticket.objects.exists()


def test_create_without_a_requester_is_refused(api, agent):
    response = login(api, agent).post(LIST, {"category": "fault", "subject": "Who?", "description": "…"}, format="json")
    assert response.status_code == 400
    assert "organisation" in response.json()


@pytest.mark.parametrize("payload", [[1, 2], "text", None])
def test_create_with_a_body_that_is_not_an_object_answers_400(api, agent, payload):
    response = login(api, agent).post(LIST, payload, format="json")
    assert response.status_code == 400


def test_create_with_malformed_json_answers_400(api, agent):
    response = login(api, agent).post(LIST, '{"subject": ', content_type="application/json")
    assert response.status_code == 400


# --- the permission matrix ------------------------------------------------------------

ROLES = ["customer", "other_customer", "agent", "engineer", "other_engineer", "manager", "project_manager"]

# Who sees a case of the customer's organisation that is assigned to ``engineer``.
SEES_ASSIGNED_CASE = {
    "customer": True,
    "other_customer": False,
    "agent": True,
    "engineer": True,
    "other_engineer": False,
    "manager": True,
    "project_manager": True,
}


@pytest.mark.parametrize("role", ROLES)
def test_list_and_detail_follow_the_access_rule(api, request, role, case_in):
    ticket = case_in(Status.IN_PROGRESS)
    user = request.getfixturevalue(role)
    login(api, user)
    listed = [t["id"] for t in api.get(LIST).json()["results"]]
    response = api.get(detail(ticket))
    if SEES_ASSIGNED_CASE[role]:
        assert listed == [ticket.pk]
        assert response.status_code == 200
        assert response.json()["reference"] == ticket.reference
    else:
        assert listed == []
        assert response.status_code == 404


def test_customer_gets_404_for_other_organisations_ticket(api, customer, other_customer):
    theirs = make_ticket(contact=other_customer)
    login(api, customer)
    assert api.get(detail(theirs)).status_code == 404
    assert api.post(f"{detail(theirs)}cancel/", {}, format="json").status_code == 404
    assert api.get(f"{detail(theirs)}events/").status_code == 404
    assert api.patch(detail(theirs), {"subject": "Mine now"}, format="json").status_code == 404


def test_unassigned_engineer_sees_new_unassigned_cases_only(api, other_engineer, case_in):
    new = case_in(Status.NEW)
    case_in(Status.ASSIGNED)  # someone else's
    listed = [t["id"] for t in login(api, other_engineer).get(LIST).json()["results"]]
    assert listed == [new.pk]


# The state each action starts from, and the body it needs.
ACTION_SETUP = {
    Action.ASSIGN: (Status.NEW, {"note": "Please call them."}),  # + the engineer's id
    Action.START: (Status.ASSIGNED, {}),
    Action.WAIT: (Status.IN_PROGRESS, {"note": "Which firmware version?"}),
    Action.RESUME: (Status.WAITING, {}),
    Action.RESOLVE: (Status.IN_PROGRESS, {"resolution": "Replaced the controller."}),
    Action.REOPEN: (Status.RESOLVED, {"note": "Not fixed after all."}),
    Action.ARCHIVE: (Status.RESOLVED, {}),
    Action.CANCEL: (Status.ASSIGNED, {"note": "Duplicate."}),
}

ALL_ACTIONS = list(ACTION_SETUP)
# What each role may do to a case of the customer's organisation (assigned to ``engineer``,
# except for ``assign``, which starts from a new unassigned case every engineer can see).
MAY = {
    "customer": {Action.RESUME, Action.CANCEL},
    "agent": {Action.CANCEL},
    "engineer": {Action.START, Action.WAIT, Action.RESUME, Action.RESOLVE},
    "other_engineer": set(),
    "manager": set(ALL_ACTIONS),
    "project_manager": set(ALL_ACTIONS),
}


def expected_code(role: str, action: Action) -> int:
    if role == "other_customer":
        return 404
    if role == "other_engineer" and action != Action.ASSIGN:
        return 404  # the case is assigned to someone else
    return 200 if action in MAY[role] else 403


MATRIX = [(role, action, expected_code(role, action)) for role in ROLES for action in ALL_ACTIONS]


@pytest.mark.parametrize(("role", "action", "expected"), MATRIX, ids=[f"{r}-{a.value}-{c}" for r, a, c in MATRIX])
def test_action_permission_matrix(api, request, case_in, engineer, role, action, expected):
    start, body = ACTION_SETUP[action]
    ticket = case_in(start)
    if action == Action.ASSIGN:
        body = {**body, "assignee": engineer.pk}
    user = request.getfixturevalue(role)

    response = login(api, user).post(f"{detail(ticket)}{action.value}/", body, format="json")

    assert response.status_code == expected, response.content
    ticket.refresh_from_db()
    if expected == 200:
        assert ticket.status == TRANSITIONS[action].target
        assert response.json()["status"] == TRANSITIONS[action].target
        event = ticket.events.filter(kind__in=[EventKind.STATUS, EventKind.ASSIGNED]).last()
        assert (event.from_status, event.to_status, event.actor) == (start, ticket.status, user)
    else:
        assert ticket.status == start


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("customer", 403),
        ("other_customer", 404),
        ("agent", 200),
        ("engineer", 200),
        ("other_engineer", 404),
        ("manager", 200),
        ("project_manager", 200),
    ],
)
def test_edit_permission_matrix(api, request, case_in, role, expected):
    ticket = case_in(Status.IN_PROGRESS)
    response = login(api, request.getfixturevalue(role)).patch(detail(ticket), {"priority": "urgent"}, format="json")
    assert response.status_code == expected
    ticket.refresh_from_db()
    assert ticket.priority == ("urgent" if expected == 200 else "normal")


@pytest.mark.parametrize(
    ("role", "status", "expected"),
    [
        ("customer", Status.NEW, ["cancel"]),
        ("customer", Status.WAITING, ["resume"]),
        ("customer", Status.IN_PROGRESS, []),
        ("agent", Status.NEW, ["cancel"]),
        ("engineer", Status.IN_PROGRESS, ["wait", "resolve"]),
        ("engineer", Status.RESOLVED, []),
        ("manager", Status.NEW, ["assign", "cancel"]),
        ("manager", Status.RESOLVED, ["reopen", "archive"]),
        ("project_manager", Status.WAITING, ["assign", "resume", "resolve", "cancel"]),
    ],
)
def test_allowed_actions_show_only_what_this_user_may_do_now(api, request, case_in, role, status, expected):
    ticket = case_in(status)
    response = login(api, request.getfixturevalue(role)).get(detail(ticket))
    assert response.json()["allowed_actions"] == expected


# --- the lifecycle over the API -------------------------------------------------------

REFUSED = [
    (Action.ASSIGN, Status.RESOLVED),
    (Action.START, Status.NEW),
    (Action.WAIT, Status.ASSIGNED),
    (Action.RESUME, Status.IN_PROGRESS),
    (Action.RESOLVE, Status.NEW),
    (Action.REOPEN, Status.IN_PROGRESS),
    (Action.ARCHIVE, Status.IN_PROGRESS),
    (Action.CANCEL, Status.ARCHIVED),
]


@pytest.mark.parametrize(("action", "status"), REFUSED, ids=[f"{a.value}-from-{s.value}" for a, s in REFUSED])
def test_transition_the_lifecycle_forbids_answers_409_with_the_reason(api, manager, engineer, case_in, action, status):
    ticket = case_in(status)
    _, body = ACTION_SETUP[action]
    if action == Action.ASSIGN:
        body = {**body, "assignee": engineer.pk}
    response = login(api, manager).post(f"{detail(ticket)}{action.value}/", body, format="json")
    assert response.status_code == 409
    payload = response.json()
    assert payload["code"] == "invalid_transition"
    assert (payload["status"], payload["action"]) == (status.value, action.value)
    assert payload["detail"]
    ticket.refresh_from_db()
    assert ticket.status == status


def test_the_full_flow_over_the_api(api, manager, engineer, customer, case_in):
    ticket = case_in(Status.NEW)
    url = detail(ticket)
    login(api, manager)
    assert api.post(f"{url}assign/", {"assignee": engineer.pk}, format="json").json()["assignee"]["id"] == engineer.pk
    login(api, engineer)
    assert api.post(f"{url}start/", {}, format="json").json()["status"] == "in_progress"
    assert api.post(f"{url}wait/", {"note": "Logs please."}, format="json").json()["status"] == "waiting"
    login(api, customer)
    assert api.post(f"{url}resume/", {"note": "Attached."}, format="json").json()["status"] == "in_progress"
    login(api, engineer)
    body = api.post(f"{url}resolve/", {"resolution": "Firmware 2.1 fixes it."}, format="json").json()
    assert body["status"] == "resolved"
    assert body["resolution"] == "Firmware 2.1 fixes it."
    assert body["survey_round"] == 1
    assert all(body[f] for f in ("assigned_at", "started_at", "first_response_at", "resolved_at"))
    login(api, manager)
    body = api.post(f"{url}archive/", {}, format="json").json()
    assert (body["status"], body["archive_reason"]) == ("archived", ArchiveReason.MANUAL)
    assert body["closed_at"]
    assert body["allowed_actions"] == []


def test_wait_without_a_note_answers_400(api, engineer, case_in):
    ticket = case_in(Status.IN_PROGRESS)
    response = login(api, engineer).post(f"{detail(ticket)}wait/", {"note": ""}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"note"}


def test_resolve_without_a_resolution_answers_400(api, engineer, case_in):
    ticket = case_in(Status.IN_PROGRESS)
    response = login(api, engineer).post(f"{detail(ticket)}resolve/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"resolution"}
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


@pytest.mark.parametrize("assignee", [None, "abc", HUGE, 424242])
def test_assign_without_a_valid_assignee_answers_400(api, manager, case_in, assignee):
    ticket = case_in(Status.NEW)
    body = {} if assignee is None else {"assignee": assignee}
    response = login(api, manager).post(f"{detail(ticket)}assign/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"assignee"}


def test_assigning_someone_who_is_not_an_engineer_answers_400(api, manager, agent, case_in):
    ticket = case_in(Status.NEW)
    response = login(api, manager).post(f"{detail(ticket)}assign/", {"assignee": agent.pk}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"assignee"}


def test_put_is_not_allowed(api, agent, case_in):
    ticket = case_in(Status.NEW)
    response = login(api, agent).put(detail(ticket), {"subject": "x"}, format="json")
    assert response.status_code == 405


# --- editing --------------------------------------------------------------------------


def test_agent_edits_a_case_and_the_timeline_records_the_change(api, agent, customer, case_in):
    ticket = case_in(Status.NEW)
    device = DeviceFactory(organisation=customer.organisation)
    response = login(api, agent).patch(
        detail(ticket), {"subject": "Array offline (site B)", "category": "parts", "device": device.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["subject"], body["category"], body["device"]["id"]) == ("Array offline (site B)", "parts", device.pk)
    event = ticket.events.get(kind=EventKind.UPDATED)
    assert set(event.data) == {"subject", "category", "device"}
    assert event.is_public is False


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"category": "bogus"}, "category"),
        ({"priority": ["urgent"]}, "priority"),
        ({"subject": ""}, "subject"),
        ({"device": "x"}, "device"),
        ({"department": HUGE}, "department"),
        ({"status": "archived"}, None),  # not editable here: ignored, the lifecycle owns it
    ],
)
def test_edit_with_bad_input_answers_400_or_ignores_what_is_not_editable(api, agent, case_in, payload, field):
    ticket = case_in(Status.NEW)
    response = login(api, agent).patch(detail(ticket), payload, format="json")
    if field is None:
        assert response.status_code == 200
        assert response.json()["status"] == "new"
    else:
        assert response.status_code == 400
        assert set(response.json()) == {field}


def test_edit_with_a_device_of_another_organisation_answers_400(api, agent, case_in, other_customer):
    ticket = case_in(Status.NEW)
    foreign = DeviceFactory(organisation=other_customer.organisation)
    response = login(api, agent).patch(detail(ticket), {"device": foreign.pk}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"device"}


def test_a_closed_case_cannot_be_edited(api, manager, case_in):
    ticket = case_in(Status.ARCHIVED)
    response = login(api, manager).patch(detail(ticket), {"subject": "Later"}, format="json")
    assert response.status_code == 400


# --- timeline and comments ------------------------------------------------------------


def test_customer_comments_are_always_public(api, customer, case_in):
    ticket = case_in(Status.IN_PROGRESS)
    response = login(api, customer).post(
        f"{detail(ticket)}events/", {"body": "Any news?", "is_public": False}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["is_public"] is True
    assert response.json()["actor"]["id"] == customer.pk


def test_internal_notes_are_hidden_from_the_customer(api, agent, customer, case_in):
    ticket = case_in(Status.IN_PROGRESS)
    response = login(api, agent).post(
        f"{detail(ticket)}events/", {"body": "Customer is on an old firmware.", "is_public": False}, format="json"
    )
    assert response.status_code == 201
    note_id = response.json()["id"]

    staff_view = [e["id"] for e in api.get(f"{detail(ticket)}events/").json()["results"]]
    login(api, customer)
    customer_view = api.get(f"{detail(ticket)}events/").json()["results"]
    assert note_id in staff_view
    assert note_id not in [e["id"] for e in customer_view]
    assert all(e["is_public"] for e in customer_view)
    assert [e["kind"] for e in customer_view][0] == EventKind.CREATED


def test_customer_reply_to_a_waiting_case_resumes_it(api, customer, case_in):
    ticket = case_in(Status.WAITING)
    response = login(api, customer).post(f"{detail(ticket)}events/", {"body": "Version 2.0.3."}, format="json")
    assert response.status_code == 201
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_empty_comment_answers_400(api, customer, case_in):
    ticket = case_in(Status.NEW)
    response = login(api, customer).post(f"{detail(ticket)}events/", {"body": ""}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"body"}


def test_comment_on_a_closed_case_answers_400(api, customer, case_in):
    ticket = case_in(Status.ARCHIVED)
    response = login(api, customer).post(f"{detail(ticket)}events/", {"body": "Thanks"}, format="json")
    assert response.status_code == 400


def test_other_customer_cannot_comment(api, other_customer, case_in):
    ticket = case_in(Status.NEW)
    response = login(api, other_customer).post(f"{detail(ticket)}events/", {"body": "Hi"}, format="json")
    assert response.status_code == 404
    assert not ticket.events.filter(kind=EventKind.COMMENT).exists()


# --- attachments ----------------------------------------------------------------------


def upload(name: str = "trace.log", content: bytes = b"ERROR disk 3\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


def test_customer_uploads_a_file_and_gets_a_download_link(api, customer, case_in):
    ticket = case_in(Status.IN_PROGRESS)
    response = login(api, customer).post(
        f"{detail(ticket)}attachments/", {"file": upload(), "is_public": "false"}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    attachment = Attachment.objects.get()
    assert (body["id"], body["filename"], body["size"], body["is_public"]) == (attachment.pk, "trace.log", 13, True)
    assert body["download_url"].endswith(f"/attachments/{attachment.pk}/")
    listed = api.get(f"{detail(ticket)}attachments/").json()["results"]
    assert [a["id"] for a in listed] == [attachment.pk]
    # The file shows on the timeline too, with its upload event.
    events = api.get(f"{detail(ticket)}events/").json()["results"]
    assert [a["id"] for e in events for a in e["attachments"]] == [attachment.pk]


def test_upload_of_a_disallowed_type_answers_400(api, customer, case_in):
    ticket = case_in(Status.NEW)
    bad = SimpleUploadedFile("setup.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = login(api, customer).post(f"{detail(ticket)}attachments/", {"file": bad}, format="multipart")
    assert response.status_code == 400
    assert set(response.json()) == {"file"}
    assert not Attachment.objects.exists()


def test_upload_over_the_size_limit_answers_400(api, customer, case_in, settings):
    settings.ATTACHMENT_MAX_BYTES = 8
    ticket = case_in(Status.NEW)
    response = login(api, customer).post(
        f"{detail(ticket)}attachments/", {"file": upload(content=b"x" * 9)}, format="multipart"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"file"}
    assert not Attachment.objects.exists()


def test_upload_whose_content_does_not_match_its_type_answers_400(api, customer, case_in):
    ticket = case_in(Status.NEW)
    fake = SimpleUploadedFile("photo.png", b"not a png at all", content_type="image/png")
    response = login(api, customer).post(f"{detail(ticket)}attachments/", {"file": fake}, format="multipart")
    assert response.status_code == 400


def test_upload_without_a_file_answers_400(api, customer, case_in):
    ticket = case_in(Status.NEW)
    response = login(api, customer).post(f"{detail(ticket)}attachments/", {"is_public": "true"}, format="multipart")
    assert response.status_code == 400
    assert set(response.json()) == {"file"}


def test_internal_files_are_hidden_from_the_customer(api, agent, customer, case_in):
    ticket = case_in(Status.IN_PROGRESS)
    login(api, agent)
    response = api.post(
        f"{detail(ticket)}attachments/", {"file": upload("internal.txt"), "is_public": "false"}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json()["is_public"] is False
    assert len(api.get(f"{detail(ticket)}attachments/").json()["results"]) == 1
    login(api, customer)
    assert api.get(f"{detail(ticket)}attachments/").json()["results"] == []
    events = api.get(f"{detail(ticket)}events/").json()["results"]
    assert all(e["kind"] != EventKind.ATTACHMENT for e in events)


def test_customer_cannot_fetch_another_organisations_attachment_list(api, customer, other_customer):
    theirs = make_ticket(contact=other_customer)
    ticket_comment(ticket_id=theirs.pk, actor=other_customer, body="See file", files=[upload()])
    login(api, customer)
    assert api.get(f"{detail(theirs)}attachments/").status_code == 404
    response = api.post(f"{detail(theirs)}attachments/", {"file": upload()}, format="multipart")
    assert response.status_code == 404
    assert Attachment.objects.count() == 1


# --- listing: filters, search, sort, paging, bad input --------------------------------


def test_list_filters_search_and_sort(api, manager, customer, case_in):
    urgent = case_in(Status.NEW, priority="urgent", subject="Power supply failed")
    normal = case_in(Status.IN_PROGRESS, subject="Slow backups")
    login(api, manager)

    def ids(query: str) -> list[int]:
        response = api.get(f"{LIST}?{query}")
        assert response.status_code == 200, response.json()
        return [t["id"] for t in response.json()["results"]]

    assert ids("priority=urgent") == [urgent.pk]
    assert ids("status=new&status=in_progress") == [normal.pk, urgent.pk]
    assert ids("status=in_progress") == [normal.pk]
    assert ids("q=power") == [urgent.pk]
    assert ids(f"q={normal.reference}") == [normal.pk]
    assert ids("o=created_at") == [urgent.pk, normal.pk]
    assert ids(f"organisation={customer.organisation_id}&unassigned=true") == [urgent.pk]


@pytest.mark.parametrize("name", ["search", "q"])
def test_search_and_q_both_search_the_list(api, manager, case_in, name):
    power = case_in(Status.NEW, subject="Power supply failed")
    backups = case_in(Status.NEW, subject="Slow backups")
    login(api, manager)

    def ids(value: str) -> list[int]:
        response = api.get(LIST, {name: value})
        assert response.status_code == 200, response.json()
        return [t["id"] for t in response.json()["results"]]

    assert ids("power") == [power.pk]
    assert ids(backups.reference.lower()) == [backups.pk]
    assert ids("  ") == [backups.pk, power.pk]


def test_search_and_q_are_both_documented(api, manager):
    schema = login(api, manager).get("/api/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"][LIST]["get"]["parameters"]}
    assert parameters["search"]["schema"]["type"] == "string"
    assert parameters["q"]["schema"]["type"] == "string"
    assert parameters["search"]["description"]


def test_list_pages_without_counting(api, manager, case_in):
    tickets = [case_in(Status.NEW) for _ in range(3)]
    login(api, manager)
    first = api.get(f"{LIST}?page_size=2").json()
    assert [t["id"] for t in first["results"]] == [tickets[2].pk, tickets[1].pk]
    assert first["previous"] is None
    assert "count" not in first
    second = api.get(first["next"]).json()
    assert [t["id"] for t in second["results"]] == [tickets[0].pk]
    assert second["next"] is None


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-3",
        "page=0",
        f"page={HUGE}",
        "page=100000",
        "page_size=abc",
        "page_size=0",
        "page_size=100000",
    ],
)
def test_odd_page_parameters_give_a_page_not_an_error(api, manager, case_in, query):
    case_in(Status.NEW)
    response = login(api, manager).get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


@pytest.mark.parametrize(
    "query",
    [
        "status=bogus",
        "priority=whenever",
        "organisation=abc",
        f"organisation={HUGE}",
        "organisation=424242",
        "assignee=-1",
        "department=1.5",
        "o=password",
    ],
)
def test_bad_filter_values_answer_400(api, manager, case_in, query):
    case_in(Status.NEW)
    response = login(api, manager).get(f"{LIST}?{query}")
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["abc/", f"{HUGE}/", "0/", "-1/", f"{HUGE}/events/", f"{HUGE}/cancel/"])
def test_unknown_case_ids_answer_404(api, manager, path):
    login(api, manager)
    response = api.get(f"{LIST}{path}") if not path.endswith("cancel/") else api.post(f"{LIST}{path}")
    assert response.status_code == 404


def test_list_uses_a_fixed_number_of_queries_whatever_the_page_size(
    api, manager, customer, engineer, case_in, django_assert_max_num_queries
):
    devices = DeviceFactory.create_batch(3, organisation=customer.organisation)
    for i in range(55):
        status = [Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS][i % 3]
        case_in(status, device=devices[i % 3])
    token = Token.objects.create(user=manager)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    counts = {}
    for size in (5, 50):
        # 1. the token joined with its user
        # 2. the user's groups (roles, read once per request)
        # 3. one page of cases joined with organisation, contact, device and product, engineer, department
        with django_assert_max_num_queries(3), CaptureQueriesContext(connection) as queries:
            response = api.get(f"{LIST}?page_size={size}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts[size] = len(queries)
    assert counts[5] == counts[50]


def test_customer_list_uses_the_same_fixed_number_of_queries(api, customer, case_in, django_assert_max_num_queries):
    for _ in range(6):
        case_in(Status.NEW)
    token = Token.objects.create(user=customer)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    # token + user, the user's groups, one page of the organisation's cases (joined)
    with django_assert_max_num_queries(3):
        response = api.get(f"{LIST}?page_size=5")
    assert len(response.json()["results"]) == 5


def test_timeline_uses_a_fixed_number_of_queries_whatever_its_length(
    api, customer, agent, case_in, django_assert_max_num_queries
):
    short, long = case_in(Status.IN_PROGRESS), case_in(Status.IN_PROGRESS)
    ticket_comment(ticket_id=short.pk, actor=customer, body="One file", files=[upload()])
    for i in range(8):
        ticket_comment(ticket_id=long.pk, actor=customer, body=f"File {i}", files=[upload(f"trace{i}.log")])
        ticket_comment(ticket_id=long.pk, actor=agent, body=f"Note {i}", is_public=False)
    token = Token.objects.create(user=agent)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    counts = {}
    for ticket in (short, long):
        # 1. the token joined with its user  2. the user's groups  3. the case (joined)
        # 4. one page of events joined with their actors  5. the files of those events
        with django_assert_max_num_queries(5), CaptureQueriesContext(connection) as queries:
            response = api.get(f"{detail(ticket)}events/?page_size=100")
        assert response.status_code == 200
        counts[ticket.pk] = len(queries)
    assert counts[short.pk] == counts[long.pk]
    assert len(response.json()["results"]) > 16


def test_customer_filtering_by_another_organisation_learns_nothing_about_it(api, customer, other_customer):
    make_ticket(contact=other_customer)
    login(api, customer)
    other = api.get("/api/v1/tickets/", {"organisation": other_customer.organisation_id})
    missing = api.get("/api/v1/tickets/", {"organisation": 987654})
    assert other.status_code == missing.status_code == 400
    assert other.json() == missing.json()
    own = api.get("/api/v1/tickets/", {"organisation": customer.organisation_id})
    assert own.status_code == 200


def test_blank_optional_values_match_the_documented_schema(api, customer):
    """A case without requester email or archive reason answers "", which the schema must allow."""
    login(api, customer)
    schema = api.get("/api/schema/", {"format": "json"}).json()
    output = schema["components"]["schemas"]["TicketOutput"]["properties"]
    assert {"maxLength": 0} in output["requester_email"]["anyOf"]
    archive = output["archive_reason"]
    refs = [item.get("$ref", "") for item in archive.get("oneOf", [])]
    assert any(ref.endswith("/BlankEnum") for ref in refs)


def test_unknown_api_path_answers_json_404(client, settings, db):
    settings.DEBUG = False
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": response.json()["detail"]}


def test_api_answers_in_the_token_users_saved_language(api, customer):
    customer.language = "en"
    customer.save()
    token = Token.objects.create(user=customer)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = api.post("/api/v1/tickets/", {"category": "fault"}, format="json")
    assert response.status_code == 400
    assert response.json()["subject"] == ["This field is required."]
