"""The dispatch API: same access rule as the case API (others' cases 404), 400 with field messages,
409 for a lost race, and the flows end to end over HTTP."""

import base64
import datetime as dt
import hashlib
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw
from pypdf import PdfReader
from rest_framework.test import APIClient

from dispatch.models import CommandLog, DispatchMode, DispatchPolicy
from dispatch.onsite.services import visit_arrive, visit_decide
from dispatch.remote.services import remote_approval_token, remote_session_request
from dispatch.services.assignment import dispatch_assign
from tickets.lifecycle import Status

from ..factories import make_ticket

H = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


def signature_url() -> str:
    image = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 80), (150, 10), (290, 60)], fill=(0, 0, 0, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def case(customer, engineer, manager, storage_device):
    ticket = make_ticket(contact=customer, device=storage_device)
    dispatch_assign(ticket_id=ticket.pk, engineer=engineer, actor=manager)
    return ticket


@pytest.fixture
def session(case, engineer):
    now = timezone.now()
    return remote_session_request(
        ticket_id=case.pk,
        actor=engineer,
        purpose="Logs",
        target_system="Controller",
        window_start=now,
        window_end=now + 2 * H,
    )


# --- dispatching ----------------------------------------------------------------------


def test_manager_gets_ranked_suggestions_with_reasons(
    api, manager, make_engineer, customer, storage_device, put_on_duty
):
    best = make_engineer("best", product_lines=["Storage"], regions=["广东省"])
    put_on_duty(best, on_call_phone="13911112222")
    make_engineer("other")
    ticket = make_ticket(contact=customer, device=storage_device)

    response = as_user(api, manager).get(f"/api/v1/dispatch-cases/{ticket.pk}/suggestions/")

    assert response.status_code == 200
    first = response.json()[0]
    assert first["engineer"]["id"] == best.pk
    assert first["on_duty"]
    assert first["on_call_phone"] == "13911112222"
    assert "Handles Storage" in first["reasons"]


def test_customers_do_not_see_suggestions(api, customer, case):
    assert as_user(api, customer).get(f"/api/v1/dispatch-cases/{case.pk}/suggestions/").status_code == 403


def test_assign_then_stale_assign_is_409(api, manager, engineer, other_engineer, customer):
    ticket = make_ticket(contact=customer)
    as_user(api, manager)
    ok = api.post(
        f"/api/v1/dispatch-cases/{ticket.pk}/assign/",
        {"engineer": engineer.pk, "expected_assignee": None},
        format="json",
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["awaiting"]["id"] == engineer.pk
    stale = api.post(
        f"/api/v1/dispatch-cases/{ticket.pk}/assign/",
        {"engineer": other_engineer.pk, "expected_assignee": None},
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"


def test_bad_input_is_400_with_field_messages(api, manager, customer):
    ticket = make_ticket(contact=customer)
    response = as_user(api, manager).post(
        f"/api/v1/dispatch-cases/{ticket.pk}/assign/", {"engineer": 999999}, format="json"
    )
    assert response.status_code == 400
    assert "engineer" in response.json()


def test_engineer_accepts_and_declines_over_the_api(api, manager, engineer, customer):
    first, second = make_ticket(contact=customer), make_ticket(contact=customer)
    for t in (first, second):
        dispatch_assign(ticket_id=t.pk, engineer=engineer, actor=manager)
    as_user(api, engineer)
    assert api.post(f"/api/v1/dispatch-cases/{first.pk}/accept/", {}, format="json").status_code == 200
    assert api.post(f"/api/v1/dispatch-cases/{second.pk}/decline/", {}, format="json").status_code == 400
    assert (
        api.post(f"/api/v1/dispatch-cases/{second.pk}/decline/", {"reason": "Too far"}, format="json").status_code
        == 200
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.IN_PROGRESS, Status.NEW)


def test_pool_lists_and_claims(api, department, make_engineer, customer, storage_device):
    DispatchPolicy.objects.create(department=department, mode=DispatchMode.POOL)
    engineer = make_engineer("li", product_lines=["Storage"])
    ticket = make_ticket(contact=customer, device=storage_device)
    make_ticket(contact=customer)  # no device: claimable too
    as_user(api, engineer)
    pool = api.get("/api/v1/dispatch-cases/pool/")
    assert ticket.pk in [row["id"] for row in pool.json()["results"]]
    assert api.post(f"/api/v1/dispatch-cases/{ticket.pk}/claim/").status_code == 200
    again = api.post(f"/api/v1/dispatch-cases/{ticket.pk}/claim/")
    assert again.status_code == 409  # refused plainly
    assert again.json()["code"] == "conflict"
    latecomer = make_engineer("wang", product_lines=["Storage"])
    assert (
        as_user(api, latecomer).post(f"/api/v1/dispatch-cases/{ticket.pk}/claim/").status_code == 404
    )  # not new any more


def test_customer_chases_and_sees_the_count(api, customer, case):
    response = as_user(api, customer).post(
        f"/api/v1/dispatch-cases/{case.pk}/chase/", {"note": "Any news?"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["chase_count"] == 1


def test_others_cases_answer_404_everywhere(api, other_customer, other_engineer, case, session):
    for user in (other_customer, other_engineer):
        as_user(api, user)
        assert api.get(f"/api/v1/dispatch-cases/{case.pk}/").status_code == 404
        assert api.post(f"/api/v1/dispatch-cases/{case.pk}/chase/", {}, format="json").status_code == 404
        assert api.get(f"/api/v1/remote-sessions/{session.pk}/").status_code == 404
        assert api.post(f"/api/v1/remote-sessions/{session.pk}/approve/").status_code == 404
        assert api.get("/api/v1/remote-sessions/", {"ticket": case.pk}).json()["results"] == []
        created = api.post("/api/v1/solution-plans/", {"ticket": case.pk, "body": "x"}, format="json")
        assert created.status_code == 400
        assert "ticket" in created.json()


def test_escalate_over_the_api(api, manager, case):
    response = as_user(api, manager).post(
        f"/api/v1/dispatch-cases/{case.pk}/escalate/", {"reason": "Needs specialists", "to_tier": 3}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["to_tier"] == 3
    assert (
        api.post(
            f"/api/v1/dispatch-cases/{case.pk}/escalate/", {"reason": "x", "to_tier": 9}, format="json"
        ).status_code
        == 400
    )


# --- remote ---------------------------------------------------------------------------


def test_remote_flow_over_the_api(api, customer, engineer, case):
    as_user(api, engineer)
    now = timezone.now()
    created = api.post(
        "/api/v1/remote-sessions/",
        {
            "ticket": case.pk,
            "purpose": "Read logs",
            "target_system": "Ctrl A",
            "window_start": now.isoformat(),
            "window_end": (now + H).isoformat(),
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    refused = api.post(f"/api/v1/remote-sessions/{pk}/start/")
    assert refused.status_code == 403

    assert as_user(api, customer).post(f"/api/v1/remote-sessions/{pk}/approve/").status_code == 200
    started = as_user(api, engineer).post(f"/api/v1/remote-sessions/{pk}/start/")
    assert started.json()["status"] == "started"

    log = api.post(
        "/api/v1/command-logs/",
        {"ticket": case.pk, "session": pk, "text": "$ uptime\n 10:00 up 3 days\n"},
        format="json",
    )
    assert log.status_code == 201, log.json()
    assert log.json()["sha256"] == hashlib.sha256(b"$ uptime\n 10:00 up 3 days\n").hexdigest()


def test_command_logs_have_no_update_or_delete(api, engineer, case):
    as_user(api, engineer)
    log = api.post(
        "/api/v1/command-logs/", {"ticket": case.pk, "file": SimpleUploadedFile("s.log", b"$ ls\n")}, format="multipart"
    ).json()
    assert api.patch(f"/api/v1/command-logs/{log['id']}/", {"filename": "x"}, format="json").status_code == 405
    assert api.delete(f"/api/v1/command-logs/{log['id']}/").status_code == 405
    download = api.get(f"/api/v1/command-logs/{log['id']}/download/")
    assert b"".join(download.streaming_content) == b"$ ls\n"
    assert download["X-Checksum-SHA256"] == log["sha256"]
    assert CommandLog.objects.get().verify()


def test_command_log_needs_file_or_text(api, engineer, case):
    response = as_user(api, engineer).post("/api/v1/command-logs/", {"ticket": case.pk}, format="json")
    assert response.status_code == 400
    assert "file" in response.json()


def test_recorded_approval_upload_over_the_api(api, engineer, session):
    response = as_user(api, engineer).post(
        f"/api/v1/remote-sessions/{session.pk}/record-approval/",
        {"approver_name": "王主任", "document": SimpleUploadedFile("fax.pdf", b"%PDF-1.4 fax")},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["approval_channel"] == "document"
    assert response.json()["approval_in_force"] is True


def test_signed_link_needs_no_login(api, session):
    token = remote_approval_token(session)
    response = api.post(
        "/api/v1/remote-sessions/decide-by-link/", {"token": token, "approve": True, "name": "李工"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["approval_channel"] == "link"
    bad = api.post("/api/v1/remote-sessions/decide-by-link/", {"token": "forged", "approve": True}, format="json")
    assert bad.status_code == 400
    assert "token" in bad.json()


# --- on site and the report -----------------------------------------------------------


def test_visit_signature_and_report_reach_the_customer(api, customer, engineer, manager, case):
    as_user(api, manager)
    visit = api.post("/api/v1/visits/", {"ticket": case.pk, "reason": "Disk replacement"}, format="json")
    assert visit.status_code == 201, visit.json()
    vid = visit.json()["id"]
    as_user(api, engineer)
    assert (
        api.post(
            f"/api/v1/visits/{vid}/arrive/", {"latitude": "22.5", "longitude": "114.05"}, format="json"
        ).status_code
        == 200
    )
    bad_location = api.post(f"/api/v1/visits/{vid}/arrive/", {"latitude": "99"}, format="json")
    assert bad_location.status_code == 400
    application = api.post(
        "/api/v1/service-applications/", {"visit": vid, "work_description": "Replace disk"}, format="json"
    )
    assert application.status_code == 201
    aid = application.json()["id"]
    bad = api.post(
        f"/api/v1/service-applications/{aid}/sign/",
        {"signer_name": "李主任", "signature": "data:image/png;base64,xx"},
        format="json",
    )
    assert bad.status_code == 400
    assert "signature" in bad.json()
    signed = api.post(
        f"/api/v1/service-applications/{aid}/sign/",
        {"signer_name": "李主任", "signature": signature_url()},
        format="json",
    )
    assert signed.status_code == 200, signed.json()
    part = api.post(
        "/api/v1/parts/",
        {"ticket": case.pk, "visit": vid, "description": "Disk", "quantity": 1, "unit_price": "1200"},
        format="json",
    )
    assert part.json()["amount_charged"] == "0.00"
    report = api.post(
        "/api/v1/fault-reports/",
        {"ticket": case.pk, "symptom": "Array offline", "cause": "Disk failure", "actions_taken": "Replaced disk"},
        format="json",
    )
    assert report.status_code == 201, report.json()

    as_user(api, customer)
    pdf = api.get(f"/api/v1/fault-reports/{report.json()['id']}/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages[0].extract_text()
    assert case.reference in text
    application_pdf = api.get(f"/api/v1/service-applications/{aid}/pdf/")
    assert application_pdf.status_code == 200


def test_major_operation_done_without_approval_is_403(api, engineer, manager, case):
    visit = visit_decide(ticket_id=case.pk, actor=manager, reason="x")
    visit_arrive(visit_id=visit.pk, actor=engineer)
    as_user(api, engineer)
    op = api.post(
        "/api/v1/major-operations/", {"visit": visit.pk, "kind": "reboot", "description": "Reboot"}, format="json"
    )
    assert op.status_code == 201, op.json()
    assert api.post(f"/api/v1/major-operations/{op.json()['id']}/done/").status_code == 403
    assert (
        api.post(
            "/api/v1/major-operations/", {"visit": visit.pk, "kind": "explode", "description": "x"}, format="json"
        ).status_code
        == 400
    )


def test_fault_database_search_over_the_api(api, manager, engineer, case):
    from dispatch.reports.services import fault_report_write
    from tickets.services import ticket_transition

    ticket_transition(ticket_id=case.pk, action="start", actor=engineer)
    fault_report_write(
        ticket_id=case.pk, actor=engineer, symptom="Array offline", cause="Disk failure", actions_taken="x"
    )
    ticket_transition(ticket_id=case.pk, action="resolve", actor=engineer, resolution="Fixed")
    as_user(api, manager)
    assert len(api.get("/api/v1/fault-reports/", {"cause": "disk"}).json()["results"]) == 1
    assert api.get("/api/v1/fault-reports/", {"cause": "power"}).json()["results"] == []
    assert api.get("/api/v1/fault-reports/", {"product": "abc"}).status_code == 400


def test_roster_over_the_api(api, manager, engineer, agent):
    now = timezone.now()
    as_user(api, manager)
    created = api.post(
        "/api/v1/duty-shifts/",
        {
            "engineer": engineer.pk,
            "kind": "night",
            "starts_at": (now - H).isoformat(),
            "ends_at": (now + H).isoformat(),
            "on_call_phone": "139",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    bad = api.post(
        "/api/v1/duty-shifts/",
        {"engineer": engineer.pk, "starts_at": now.isoformat(), "ends_at": now.isoformat()},
        format="json",
    )
    assert bad.status_code == 400
    as_user(api, agent)
    now_on = api.get("/api/v1/duty-shifts/now/").json()
    assert [row["engineer"]["id"] for row in now_on] == [engineer.pk]
    assert (
        api.post(
            "/api/v1/duty-shifts/",
            {"engineer": engineer.pk, "starts_at": now.isoformat(), "ends_at": (now + H).isoformat()},
            format="json",
        ).status_code
        == 403
    )
    profile = as_user(api, manager).patch(
        f"/api/v1/engineers/{engineer.pk}/",
        {"product_lines": ["Storage"], "regions": [{"province": "广东省"}]},
        format="json",
    )
    assert profile.status_code == 200, profile.json()
    assert profile.json()["regions"] == [{"province": "广东省", "city": ""}]
    assert api.post(f"/api/v1/duty-shifts/{created.json()['id']}/remove/").status_code == 204
    assert api.get("/api/v1/duty-shifts/now/").json() == []


def test_customers_see_no_roster(api, customer):
    assert as_user(api, customer).get("/api/v1/duty-shifts/now/").status_code == 403
    assert api.get("/api/v1/engineers/").status_code == 403
