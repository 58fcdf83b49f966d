"""On-site visits: the on-site clock, check-in, restoration and fix, major operations, parts, signature."""

import base64
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image, ImageDraw
from pypdf import PdfReader

from dispatch.events import DispatchEvent
from dispatch.models import OperationKind, SignedVia, VisitStatus
from dispatch.onsite.services import (
    major_operation_approve,
    major_operation_done,
    major_operation_request,
    part_add,
    service_application_prepare,
    service_application_sign,
    service_application_sign_by_link,
    service_application_token,
    visit_arrive,
    visit_decide,
    visit_depart,
    visit_finish,
    visit_record_fixed,
    visit_record_restored,
)
from dispatch.services.assignment import dispatch_assign
from dispatch.signatures import decode_signature
from sla.models import ClockState, SlaClock, TargetKind

from ..factories import make_ticket

H = dt.timedelta(hours=1)


def signature_png(width=300, height=100, *, ink=True, fmt="PNG") -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    if ink:
        ImageDraw.Draw(image).line([(10, 80), (120, 20), (280, 70)], fill=(0, 0, 0, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def data_url(raw: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(raw).decode()


@pytest.fixture
def case(customer, engineer, manager, storage_device):
    ticket = make_ticket(contact=customer, device=storage_device)
    dispatch_assign(ticket_id=ticket.pk, engineer=engineer, actor=manager)
    return ticket


@pytest.fixture
def visit(case, manager):
    return visit_decide(ticket_id=case.pk, actor=manager, reason="Controller replacement")


@pytest.fixture
def on_site(visit, engineer):
    visit_depart(visit_id=visit.pk, actor=engineer)
    return visit_arrive(visit_id=visit.pk, actor=engineer)


# --- the on-site clock ----------------------------------------------------------------


def test_deciding_a_visit_starts_the_12_hour_clock_in_warranty(sla_policies, case, manager):
    visit_decide(ticket_id=case.pk, actor=manager, reason="Disk shelf down")
    clock = SlaClock.objects.get(ticket=case, kind=TargetKind.ON_SITE)
    assert (clock.state, clock.duration) == (ClockState.RUNNING, 12 * H)


def test_deciding_a_visit_out_of_warranty_starts_the_24_hour_clock(
    sla_policies, customer, manager, engineer, old_device
):
    ticket = make_ticket(contact=customer, device=old_device)
    dispatch_assign(ticket_id=ticket.pk, engineer=engineer, actor=manager)
    visit_decide(ticket_id=ticket.pk, actor=manager, reason="Power supply")
    assert SlaClock.objects.get(ticket=ticket, kind=TargetKind.ON_SITE).duration == 24 * H


def test_arrival_with_location_stops_the_on_site_clock(sla_policies, visit, engineer, case):
    visit_depart(visit_id=visit.pk, actor=engineer)
    arrived = visit_arrive(visit_id=visit.pk, actor=engineer, latitude="22.543096", longitude=114.057865, accuracy_m=15)
    assert arrived.status == VisitStatus.ON_SITE
    assert (arrived.arrival_latitude, arrived.arrival_longitude) == (Decimal("22.543096"), Decimal("114.057865"))
    assert SlaClock.objects.get(ticket=case, kind=TargetKind.ON_SITE).state == ClockState.MET
    assert case.events.filter(kind=DispatchEvent.VISIT, data__action="arrived").exists()


def test_arrival_refuses_half_a_location(visit, engineer):
    with pytest.raises(ValidationError) as e:
        visit_arrive(visit_id=visit.pk, actor=engineer, latitude=22.5)
    assert "longitude" in e.value.message_dict
    with pytest.raises(ValidationError):
        visit_arrive(visit_id=visit.pk, actor=engineer, latitude=95, longitude=0)


def test_only_one_visit_under_way(visit, case, manager):
    with pytest.raises(ValidationError):
        visit_decide(ticket_id=case.pk, actor=manager, reason="Again")


def test_another_engineer_cannot_check_in(visit, other_engineer, manager):
    with pytest.raises(PermissionDenied):
        visit_arrive(visit_id=visit.pk, actor=other_engineer)


def test_restored_first_then_fixed(on_site, engineer):
    with pytest.raises(ValidationError):
        visit_record_fixed(visit_id=on_site.pk, actor=engineer)
    restored = visit_record_restored(visit_id=on_site.pk, actor=engineer)
    fixed = visit_record_fixed(visit_id=on_site.pk, actor=engineer)
    assert restored.service_restored_at <= fixed.root_cause_fixed_at
    done = visit_finish(visit_id=on_site.pk, actor=engineer, summary="Replaced controller A")
    assert done.status == VisitStatus.FINISHED


# --- major operations -----------------------------------------------------------------


def test_major_operation_needs_the_customers_approval_before_it_is_done(on_site, engineer, customer):
    operation = major_operation_request(
        visit_id=on_site.pk, actor=engineer, kind=OperationKind.REBOOT, description="Reboot both controllers"
    )
    with pytest.raises(PermissionDenied, match="recorded approval"):
        major_operation_done(operation_id=operation.pk, actor=engineer)
    major_operation_approve(operation_id=operation.pk, actor=customer)
    done = major_operation_done(operation_id=operation.pk, actor=engineer)
    assert done.done_at
    assert done.approved_by == customer


def test_staff_record_who_approved_on_site(on_site, engineer):
    operation = major_operation_request(
        visit_id=on_site.pk, actor=engineer, kind=OperationKind.REINSTALL, description="Reinstall the OS"
    )
    with pytest.raises(ValidationError):
        major_operation_approve(operation_id=operation.pk, actor=engineer)
    approved = major_operation_approve(operation_id=operation.pk, actor=engineer, approver_name="张科长")
    assert (approved.approver_name, approved.recorded_by) == ("张科长", engineer)
    assert major_operation_done(operation_id=operation.pk, actor=engineer).done_at


# --- parts ----------------------------------------------------------------------------


def test_parts_are_free_in_warranty(case, engineer, on_site):
    line = part_add(
        ticket_id=case.pk,
        actor=engineer,
        description="Controller board",
        quantity=1,
        unit_price="8800.00",
        visit=on_site,
    )
    assert line.in_warranty
    assert line.amount_charged == Decimal("0")
    assert line.value == Decimal("8800.00")


def test_parts_are_charged_outside_warranty(customer, manager, engineer, old_device):
    ticket = make_ticket(contact=customer, device=old_device)
    dispatch_assign(ticket_id=ticket.pk, engineer=engineer, actor=manager)
    line = part_add(ticket_id=ticket.pk, actor=engineer, description="Fan module", quantity=2, unit_price="350.5")
    assert not line.in_warranty
    assert line.amount_charged == Decimal("701.00")
    assert "charged 701.00" in ticket.events.filter(kind=DispatchEvent.VISIT).last().body


def test_part_input_is_checked(case, engineer):
    with pytest.raises(ValidationError) as e:
        part_add(ticket_id=case.pk, actor=engineer, description="", quantity=0, unit_price="-1")
    assert set(e.value.message_dict) == {"description", "quantity", "unit_price"}


# --- the signed service application ---------------------------------------------------


def test_signature_is_stored_with_name_and_time_and_the_pdf_is_kept(on_site, engineer, case):
    application = service_application_prepare(
        visit_id=on_site.pk, actor=engineer, work_description="Replace controller A"
    )
    raw = signature_png()

    signed = service_application_sign(
        application_id=application.pk, actor=engineer, signer_name="李主任", data_url=data_url(raw)
    )

    assert (signed.signer_name, signed.signed_via) == ("李主任", SignedVia.DEVICE)
    assert signed.signed_at is not None
    assert signed.signature.read() == raw
    text = PdfReader(signed.pdf.open("rb")).pages[0].extract_text()
    assert case.reference in text
    assert "Technical-service application" in text
    assert "李主任" in text
    assert "技术服务申请" in text


def test_signing_twice_is_refused(on_site, engineer):
    application = service_application_prepare(visit_id=on_site.pk, actor=engineer, work_description="x")
    service_application_sign(
        application_id=application.pk, actor=engineer, signer_name="A", data_url=data_url(signature_png())
    )
    with pytest.raises(ValidationError):
        service_application_sign(
            application_id=application.pk, actor=engineer, signer_name="B", data_url=data_url(signature_png())
        )


def test_remote_signing_by_link(on_site, engineer):
    application = service_application_prepare(visit_id=on_site.pk, actor=engineer, work_description="x")
    signed = service_application_sign_by_link(
        token=service_application_token(application), signer_name="王总", data_url=data_url(signature_png())
    )
    assert signed.signed_via == SignedVia.LINK
    with pytest.raises(ValidationError):
        service_application_sign_by_link(token="forged", signer_name="x", data_url=data_url(signature_png()))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not a data url", "PNG data URL"),
        ("data:image/png;base64,@@@", "base64"),
        (data_url(signature_png(fmt="GIF")), "not a PNG"),
        (data_url(signature_png(ink=False)), "empty"),
        (data_url(signature_png(width=20, height=10)), "between"),
        (data_url(signature_png(width=4000, height=100)), "between"),
        (data_url(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10), "damaged"),
    ],
)
def test_bad_signatures_are_refused(value, message):
    with pytest.raises(ValidationError, match=message):
        decode_signature(value)


def test_oversized_signature_is_refused(settings):
    settings.DISPATCH_SIGNATURE_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="too large"):
        decode_signature("data:image/png;base64," + "A" * 4000)
