"""Dispatch's pages: who may use each, bad input re-rendered with errors, the signature, checksums, query counts."""

import base64
import datetime as dt
import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from dispatch import links
from dispatch.models import CommandLog, DutyShift, FaultReport, RemoteSession, SessionStatus, Visit
from dispatch.onsite.services import service_application_prepare, visit_arrive, visit_decide
from dispatch.remote.services import command_log_add, remote_session_request
from dispatch.reports.services import fault_report_write
from tickets.lifecycle import Action
from tickets.services import ticket_assign, ticket_transition

from ..factories import ContactFactory, ProductFactory, make_ticket

H = dt.timedelta(hours=1)


def signature_data_url() -> str:
    image = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(20, 90), (120, 20), (280, 100)], fill=(0, 0, 0, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def case(customer, manager, engineer, storage_device):
    ticket = make_ticket(contact=customer, device=storage_device)
    ticket_assign(ticket_id=ticket.pk, assignee=engineer, actor=manager)
    ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
    return ticket


@pytest.fixture
def session(case, engineer):
    now = timezone.now()
    return remote_session_request(
        ticket_id=case.pk,
        actor=engineer,
        purpose="Read logs",
        target_system="DA-5000",
        window_start=now,
        window_end=now + 4 * H,
    )


@pytest.fixture
def visit(case, engineer):
    return visit_decide(ticket_id=case.pk, actor=engineer, reason="Controller swap")


# --- the case page panel ----------------------------------------------------------------


def test_manager_sees_ranked_suggestions_with_reasons(client, manager, customer, make_engineer, put_on_duty):
    li = make_engineer("li", product_lines=["Storage"])
    put_on_duty(li, on_call_phone="13900001111")
    ticket = make_ticket(contact=customer)
    client.force_login(manager)
    html = client.get(reverse("tickets:case", args=[ticket.reference])).text
    assert "Suggested engineers" in html
    assert "On duty now until" in html
    assert "13900001111" in html
    assert f'name="assignee" value="{li.pk}"' in html


def test_assigned_engineer_gets_one_accept_button_and_a_decline(client, manager, engineer, customer):
    ticket = make_ticket(contact=customer)
    ticket_assign(ticket_id=ticket.pk, assignee=engineer, actor=manager)
    client.force_login(engineer)
    html = client.get(reverse("tickets:case", args=[ticket.reference])).text
    assert html.count("Accept and start") == 1  # the case's own action; the panel adds no second one
    assert reverse("dispatch:decline", args=[ticket.reference]) in html
    # The dispatch endpoint still accepts (API-like clients and old bookmarks).
    client.post(reverse("dispatch:accept", args=[ticket.reference]))
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"


def test_decline_without_reason_re_renders_with_the_error(client, manager, engineer, customer):
    ticket = make_ticket(contact=customer)
    ticket_assign(ticket_id=ticket.pk, assignee=engineer, actor=manager)
    client.force_login(engineer)
    response = client.post(reverse("dispatch:decline", args=[ticket.reference]), {"decline-reason": ""})
    assert response.status_code == 200
    assert "This field is required." in response.text
    response = client.post(reverse("dispatch:decline", args=[ticket.reference]), {"decline-reason": "On leave"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_customer_chases_from_the_portal_and_the_count_shows(client, customer, case, manager):
    client.force_login(customer)
    response = client.post(reverse("dispatch:chase", args=[case.reference]), follow=True)
    assert "Chased 1 time" in response.text
    client.force_login(manager)
    html = client.get(reverse("tickets:case", args=[case.reference])).text
    assert '<strong id="chase-count">1</strong>' in html


def test_escalation_keeps_the_typed_reason_when_refused(client, manager, case):
    client.force_login(manager)
    url = reverse("dispatch:escalate", args=[case.reference])
    response = client.post(url, {"escalate-reason": "Needs the vendor", "escalate-to_tier": "2"})
    assert response.status_code == 200
    assert "already at the Engineer tier" in response.text
    assert "Needs the vendor" in response.text
    assert client.post(url, {"escalate-reason": "Needs the vendor", "escalate-to_tier": "3"}).status_code == 302


def test_other_organisations_customer_gets_404(client, case, session, visit):
    client.force_login(ContactFactory())
    for url in (
        reverse("tickets:portal-case", args=[case.reference]),
        reverse("dispatch:chase", args=[case.reference]),
        reverse("dispatch:remote-decide", args=[session.pk]),
        reverse("dispatch:report-pdf", args=[case.reference]),
        reverse("dispatch:report-print", args=[case.reference]),
    ):
        assert client.post(url).status_code == 404, url


@pytest.mark.parametrize("persona", ["customer", "agent"])
def test_staff_pages_refuse_others(client, persona, request, case, visit):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("dispatch:roster")).status_code == 403
    if persona == "customer":
        assert client.get(reverse("dispatch:visit", args=[visit.pk])).status_code == 403
        assert client.get(reverse("dispatch:faults")).status_code == 403
        assert client.get(reverse("dispatch:command-logs", args=[case.reference])).status_code == 403


def test_another_engineer_cannot_open_the_visit(client, other_engineer, visit):
    client.force_login(other_engineer)
    assert client.get(reverse("dispatch:visit", args=[visit.pk])).status_code == 404


# --- remote support ---------------------------------------------------------------------


def test_remote_request_with_a_bad_window_shows_errors_and_keeps_input(client, engineer, case):
    client.force_login(engineer)
    now = timezone.localtime()
    response = client.post(
        reverse("dispatch:remote-request", args=[case.reference]),
        {
            "remote-purpose": "Check RAID",
            "remote-target_system": "array-01",
            "remote-window_start": now.strftime("%Y-%m-%dT%H:%M"),
            "remote-window_end": (now - 2 * H).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert "The window ends after it starts." in response.text
    assert "array-01" in response.text
    assert not RemoteSession.objects.exists()


def test_customer_approves_in_the_portal_and_the_engineer_may_start(client, customer, engineer, case, session):
    client.force_login(engineer)
    response = client.post(reverse("dispatch:remote-start", args=[session.pk]), follow=True)
    assert "No remote session may start without the customer&#x27;s approval." in response.text
    client.force_login(customer)
    page = client.get(reverse("tickets:portal-case", args=[case.reference])).text
    assert "What is asked of you" in page
    assert "Approve the remote session" in page
    client.post(reverse("dispatch:remote-decide", args=[session.pk]), {f"session-{session.pk}-decision": "approve"})
    session.refresh_from_db()
    assert session.status == SessionStatus.APPROVED
    client.force_login(engineer)
    client.post(reverse("dispatch:remote-start", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == SessionStatus.STARTED


def test_refusing_needs_a_reason(client, customer, session):
    client.force_login(customer)
    response = client.post(
        reverse("dispatch:remote-decide", args=[session.pk]), {f"session-{session.pk}-decision": "refuse"}
    )
    assert response.status_code == 200
    assert "Say why you refuse." in response.text


def test_signed_link_page_approves_without_login(client, session):
    token = links.make_token(links.REMOTE_APPROVAL, session.pk, session.ticket.contact_id)
    url = reverse("dispatch:remote-link", args=[token])
    assert "DA-5000" in client.get(url).text
    response = client.post(url, {"name": "王伟", "decision": "approve"})
    assert "your answer has been recorded" in response.text
    session.refresh_from_db()
    assert (session.status, session.approver_name, session.approval_channel) == ("approved", "王伟", "link")
    assert client.get(reverse("dispatch:remote-link", args=["forged"])).status_code == 404


def test_staff_record_an_approval_with_the_scanned_document(client, engineer, session):
    client.force_login(engineer)
    url = reverse("dispatch:remote-record-approval", args=[session.pk])
    response = client.post(url, {"approval-approver_name": "Mr Wang"})
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert 'value="Mr Wang"' in response.text
    scan = SimpleUploadedFile("fax.pdf", b"%PDF-1.4 approval", content_type="application/pdf")
    assert client.post(url, {"approval-approver_name": "Mr Wang", "approval-document": scan}).status_code == 302
    session.refresh_from_db()
    assert session.approval_channel == "document"
    assert session.approval_document


def test_command_log_page_shows_the_checksum(client, engineer, case):
    client.force_login(engineer)
    url = reverse("dispatch:command-logs", args=[case.reference])
    text = "$ show log -all\nE-42 controller A\n"
    assert client.post(url, {"log-text": text}).status_code == 302
    html = client.get(url).text
    assert hashlib.sha256(text.encode()).hexdigest() in html
    log = CommandLog.objects.get()
    assert client.get(reverse("dispatch:command-log-download", args=[log.pk])).getvalue() == text.encode()


def test_command_log_without_content_shows_an_error(client, engineer, case):
    client.force_login(engineer)
    response = client.post(reverse("dispatch:command-logs", args=[case.reference]), {"log-text": ""})
    assert response.status_code == 200
    assert "Upload the log as a file or paste it, not both." in response.text


# --- the visit --------------------------------------------------------------------------


def test_visit_page_shows_address_contact_and_device_history(
    client, engineer, customer, case, visit, storage_device, manager
):
    earlier = make_ticket(contact=customer, device=storage_device, subject="Fan noise last year")
    ticket_transition(ticket_id=earlier.pk, action=Action.CANCEL, actor=manager)
    client.force_login(engineer)
    html = client.get(reverse("dispatch:visit", args=[visit.pk])).text
    assert "广东省 深圳市 南山区" in html
    assert f'href="tel:{customer.phone}"' in html
    assert "Fan noise last year" in html
    assert "navigator.geolocation" in html


def test_check_in_with_and_without_location(client, engineer, visit):
    client.force_login(engineer)
    url = reverse("dispatch:visit-arrive", args=[visit.pk])
    response = client.post(url, {"arrive-latitude": "22.5", "arrive-longitude": ""})
    assert "Give both latitude and longitude, or neither." in response.text
    assert (
        client.post(
            url, {"arrive-latitude": "22.543096", "arrive-longitude": "114.057865", "arrive-accuracy_m": "12"}
        ).status_code
        == 302
    )
    visit.refresh_from_db()
    assert visit.arrived_at
    assert str(visit.arrival_latitude) == "22.543096"


def test_parts_show_free_in_warranty(client, engineer, visit):
    client.force_login(engineer)
    client.post(
        reverse("dispatch:visit-part", args=[visit.pk]),
        {"part-description": "Controller", "part-quantity": "1", "part-unit_price": "8000"},
    )
    html = client.get(reverse("dispatch:visit", args=[visit.pk])).text
    assert "free (in warranty)" in html
    response = client.post(
        reverse("dispatch:visit-part", args=[visit.pk]),
        {"part-description": "", "part-quantity": "0", "part-unit_price": "x"},
    )
    assert response.status_code == 200
    assert "This field is required." in response.text


def test_major_operation_needs_approval_before_done(client, engineer, visit):
    client.force_login(engineer)
    client.post(
        reverse("dispatch:visit-operation", args=[visit.pk]),
        {"operation-kind": "reboot", "operation-description": "Reboot controller"},
    )
    op = visit.operations.get()
    response = client.post(reverse("dispatch:operation-done", args=[op.pk]), follow=True)
    assert "needs the customer&#x27;s recorded approval" in response.text
    client.post(reverse("dispatch:operation-approve", args=[op.pk]), {f"op-{op.pk}-approver_name": "Mr Wang"})
    client.post(reverse("dispatch:operation-done", args=[op.pk]))
    op.refresh_from_db()
    assert op.done_at is not None


def test_signature_capture_posts_a_png_and_stores_it(client, engineer, visit):
    visit_arrive(visit_id=visit.pk, actor=engineer)
    application = service_application_prepare(visit_id=visit.pk, actor=engineer, work_description="Swap controller A")
    client.force_login(engineer)
    html = client.get(reverse("dispatch:visit", args=[visit.pk])).text
    assert "<canvas" in html  # the pad
    assert "<svg" in html  # the signing link's QR code
    url = reverse("dispatch:visit-sign", args=[visit.pk])
    response = client.post(url, {"sign-signer_name": "王伟", "sign-signature": ""})
    assert response.status_code == 200
    assert "Send the signature as a PNG data URL" in response.text
    assert client.post(url, {"sign-signer_name": "王伟", "sign-signature": signature_data_url()}).status_code == 302
    application.refresh_from_db()
    assert application.signer_name == "王伟"
    assert application.signed_via == "device"
    assert application.signature.open("rb").read(8) == b"\x89PNG\r\n\x1a\n"
    assert application.pdf.open("rb").read(4) == b"%PDF"


def test_signing_link_page_signs_without_login(client, engineer, visit):
    visit_arrive(visit_id=visit.pk, actor=engineer)
    application = service_application_prepare(visit_id=visit.pk, actor=engineer, work_description="Swap")
    from dispatch.onsite.services import service_application_token

    url = reverse("dispatch:sign-link", args=[service_application_token(application)])
    assert "<canvas" in client.get(url).text
    response = client.post(url, {"sign-signer_name": "Li", "sign-signature": signature_data_url()})
    assert "Signed by Li" in response.text
    application.refresh_from_db()
    assert application.signed_via == "link"


# --- the report and the fault database --------------------------------------------------


def test_report_form_errors_then_pdf_for_the_customer(client, engineer, customer, case):
    client.force_login(engineer)
    url = reverse("dispatch:report-write", args=[case.reference])
    response = client.post(url, {"report-symptom": "Offline", "report-cause": ""})
    assert response.status_code == 200
    assert "This field is required." in response.text
    client.post(url, {"report-symptom": "Offline", "report-cause": "Controller", "report-actions_taken": "Swapped"})
    assert FaultReport.objects.filter(ticket=case).exists()
    client.force_login(customer)
    assert (
        "Download the fault-handling report (PDF)"
        in client.get(reverse("tickets:portal-case", args=[case.reference])).text
    )
    response = client.get(reverse("dispatch:report-pdf", args=[case.reference]))
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "Controller" in client.get(reverse("dispatch:report-print", args=[case.reference])).text


def test_fault_database_searches_and_pins_its_queries(
    client, agent, engineer, manager, customer, django_assert_max_num_queries
):
    product = ProductFactory(name="DA-5000")
    for n in range(4):
        ticket = make_ticket(contact=customer)
        ticket_assign(ticket_id=ticket.pk, assignee=engineer, actor=manager)
        ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
        fault_report_write(
            ticket_id=ticket.pk,
            actor=engineer,
            symptom=f"Symptom {n}",
            cause="Bad disk" if n else "Fan",
            actions_taken="x",
        )
        ticket_transition(ticket_id=ticket.pk, action=Action.RESOLVE, actor=engineer, resolution="done")
    FaultReport.objects.update(product=product)
    client.force_login(agent)
    # session, user, roles, the chosen product (form validation), the reports with their case and
    # product, the product select
    with django_assert_max_num_queries(6):
        response = client.get(reverse("dispatch:faults"), {"cause": "disk", "product": product.pk})
    assert response.text.count("Bad disk") == 3


# --- the roster -------------------------------------------------------------------------


def test_roster_shows_the_week_and_pins_its_queries(
    client, manager, make_engineer, put_on_duty, django_assert_max_num_queries
):
    for name in ("a", "b", "c"):
        put_on_duty(make_engineer(name), on_call_phone=f"1390000000{len(name)}")
    client.force_login(manager)
    # session, user, roles, the week's shifts, on duty now, engineers and departments for the form
    with django_assert_max_num_queries(7):
        response = client.get(reverse("dispatch:roster"))
    assert response.text.count("13900000001") >= 4  # in the grid and under "on duty now"


def test_roster_add_with_bad_input_keeps_it_then_adds_and_removes(client, manager, make_engineer):
    li = make_engineer("li")
    client.force_login(manager)
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    data = {
        "shift-engineer": li.pk,
        "shift-kind": "night",
        "shift-starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "shift-ends_at": (start - H).strftime("%Y-%m-%dT%H:%M"),
        "shift-on_call_phone": "13911112222",
    }
    response = client.post(reverse("dispatch:roster"), data)
    assert "A shift ends after it starts." in response.text
    assert 'value="13911112222"' in response.text
    data["shift-ends_at"] = (start + 8 * H).strftime("%Y-%m-%dT%H:%M")
    assert client.post(reverse("dispatch:roster"), data).status_code == 302
    shift = DutyShift.objects.get()
    client.post(reverse("dispatch:roster-remove", args=[shift.pk]))
    assert not DutyShift.objects.exists()


def test_hotline_shows_who_is_on_duty(client, agent, make_engineer, put_on_duty):
    put_on_duty(make_engineer("zhang"), on_call_phone="13988887777")
    client.force_login(agent)
    html = client.get(reverse("tickets:hotline")).text
    assert "On duty now" in html
    assert 'href="tel:13988887777"' in html


def test_visit_decided_from_the_case_page_opens_the_visit(client, engineer, case):
    client.force_login(engineer)
    response = client.post(reverse("dispatch:visit-decide", args=[case.reference]), {"visit-reason": "On site needed"})
    visit = Visit.objects.get()
    assert response["Location"] == reverse("dispatch:visit", args=[visit.pk])


def test_command_log_immutable_listing_survives(client, engineer, case):
    command_log_add(ticket_id=case.pk, actor=engineer, text="ls\n")
    client.force_login(engineer)
    assert client.get(reverse("tickets:case", args=[case.reference])).status_code == 200
