"""Remote support: approval gates, signed links, solution plans, immutable command logs."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dispatch.events import DispatchEvent
from dispatch.models import ApprovalChannel, CommandLog, ImmutableError, PlanStatus, SessionStatus
from dispatch.remote.services import (
    command_log_add,
    remote_approval_token,
    remote_session_decide,
    remote_session_decide_by_link,
    remote_session_record_approval,
    remote_session_request,
    remote_session_start,
    solution_plan_carry_out,
    solution_plan_decide,
    solution_plan_submit,
)
from dispatch.services.assignment import dispatch_assign

from ..factories import make_ticket

H = dt.timedelta(hours=1)
PDF = b"%PDF-1.4 scanned approval"


@pytest.fixture
def case(customer, engineer, manager):
    ticket = make_ticket(contact=customer)
    dispatch_assign(ticket_id=ticket.pk, engineer=engineer, actor=manager)
    return ticket


@pytest.fixture
def session(case, engineer):
    now = timezone.now()
    return remote_session_request(
        ticket_id=case.pk,
        actor=engineer,
        purpose="Read the array's controller logs",
        target_system="OceanStor 5300 controller A",
        window_start=now,
        window_end=now + 4 * H,
    )


def test_request_is_on_the_timeline_and_waits_for_the_customer(session, case):
    assert session.status == SessionStatus.REQUESTED
    event = case.events.get(kind=DispatchEvent.REMOTE)
    assert "OceanStor 5300 controller A" in event.body
    assert event.is_public


def test_request_validates_its_window(case, engineer):
    now = timezone.now()
    with pytest.raises(ValidationError) as e:
        remote_session_request(
            ticket_id=case.pk, actor=engineer, purpose="", target_system="x", window_start=now, window_end=now
        )
    assert set(e.value.message_dict) == {"purpose", "window_end"}


def test_session_without_approval_cannot_start(session, engineer):
    with pytest.raises(PermissionDenied, match="without the customer's approval"):
        remote_session_start(session_id=session.pk, actor=engineer)
    session.refresh_from_db()
    assert session.status == SessionStatus.REQUESTED


def test_session_with_expired_approval_cannot_start(session, customer, engineer):
    remote_session_decide(session_id=session.pk, actor=customer, approve=True)
    with time_machine.travel(timezone.now() + 5 * H), pytest.raises(PermissionDenied, match="expired"):
        remote_session_start(session_id=session.pk, actor=engineer)


def test_session_approved_in_the_portal_starts(session, customer, engineer):
    approved = remote_session_decide(session_id=session.pk, actor=customer, approve=True)
    assert (approved.approval_channel, approved.approved_by) == (ApprovalChannel.PORTAL, customer)
    started = remote_session_start(session_id=session.pk, actor=engineer)
    assert started.status == SessionStatus.STARTED


def test_approval_recorded_by_staff_with_the_scan_lets_it_start(session, engineer):
    recorded = remote_session_record_approval(
        session_id=session.pk,
        actor=engineer,
        approver_name="王主任 (fax)",
        document=SimpleUploadedFile("approval.pdf", PDF),
    )
    assert recorded.approval_channel == ApprovalChannel.DOCUMENT
    assert (recorded.recorded_by, recorded.approver_name) == (engineer, "王主任 (fax)")
    assert recorded.approval_document.read() == PDF
    assert remote_session_start(session_id=session.pk, actor=engineer).status == SessionStatus.STARTED


def test_recorded_approval_needs_a_real_document(session, engineer):
    with pytest.raises(ValidationError) as e:
        remote_session_record_approval(
            session_id=session.pk,
            actor=engineer,
            approver_name="王主任",
            document=SimpleUploadedFile("approval.pdf", b"not a pdf"),
        )
    assert "document" in e.value.message_dict
    session.refresh_from_db()
    assert session.status == SessionStatus.REQUESTED


def test_customer_refuses_with_a_reason(session, customer, engineer):
    with pytest.raises(ValidationError):
        remote_session_decide(session_id=session.pk, actor=customer, approve=False)
    refused = remote_session_decide(session_id=session.pk, actor=customer, approve=False, reason="Month-end close")
    assert refused.status == SessionStatus.REFUSED
    with pytest.raises(PermissionDenied):
        remote_session_start(session_id=session.pk, actor=engineer)


def test_only_the_customer_approves_in_the_portal(session, engineer, other_customer):
    with pytest.raises(PermissionDenied):
        remote_session_decide(session_id=session.pk, actor=engineer, approve=True)
    with pytest.raises(PermissionDenied):
        remote_session_decide(session_id=session.pk, actor=other_customer, approve=True)


def test_signed_link_approves(session, customer):
    token = remote_approval_token(session)
    approved = remote_session_decide_by_link(token=token, approve=True, name="李工")
    assert (approved.approval_channel, approved.approver_name, approved.approved_by) == (
        ApprovalChannel.LINK,
        "李工",
        customer,
    )


def test_tampered_or_expired_link_is_refused(session, settings):
    token = remote_approval_token(session)
    with pytest.raises(ValidationError, match="not valid"):
        remote_session_decide_by_link(token=token[:-2] + "xx", approve=True)
    settings.DISPATCH_LINK_MAX_AGE_HOURS = 1
    with time_machine.travel(timezone.now() + 2 * H), pytest.raises(ValidationError, match="expired"):
        remote_session_decide_by_link(token=token, approve=True)


def test_plan_is_carried_out_only_after_customer_approval(case, customer, engineer):
    plan = solution_plan_submit(ticket_id=case.pk, actor=engineer, body="Replace controller A firmware")
    with pytest.raises(PermissionDenied):
        solution_plan_carry_out(plan_id=plan.pk, actor=engineer)
    solution_plan_decide(plan_id=plan.pk, actor=customer, approve=True)
    done = solution_plan_carry_out(plan_id=plan.pk, actor=engineer)
    assert done.status == PlanStatus.CARRIED_OUT


def test_rejected_plan_cannot_be_carried_out(case, customer, engineer):
    plan = solution_plan_submit(ticket_id=case.pk, actor=engineer, body="Reboot both controllers")
    solution_plan_decide(plan_id=plan.pk, actor=customer, approve=False, note="Not during business hours")
    with pytest.raises(PermissionDenied):
        solution_plan_carry_out(plan_id=plan.pk, actor=engineer)


def test_pasted_command_log_is_stored_with_its_checksum(case, engineer, session):
    text = "$ show alarm\nNo active alarms\n"
    log = command_log_add(ticket_id=case.pk, actor=engineer, text=text, session=session)
    assert log.sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert log.read() == text.encode()
    assert log.verify()
    assert log.sha256 in case.events.filter(kind=DispatchEvent.REMOTE).last().body


def test_uploaded_command_log_keeps_the_file(case, engineer):
    content = b"> display version\nV500R007\n"
    log = command_log_add(ticket_id=case.pk, actor=engineer, file=SimpleUploadedFile("session.log", content))
    assert (log.filename, log.size, log.sha256) == ("session.log", len(content), hashlib.sha256(content).hexdigest())


def test_stored_command_log_cannot_be_changed_or_removed(case, engineer):
    log = command_log_add(ticket_id=case.pk, actor=engineer, text="$ reboot\n")
    log.sha256 = "0" * 64
    with pytest.raises(ImmutableError):
        log.save()
    with pytest.raises(ImmutableError):
        CommandLog.objects.filter(pk=log.pk).update(filename="other.txt")
    with pytest.raises(ImmutableError):
        log.delete()
    with pytest.raises(ImmutableError):
        CommandLog.objects.filter(pk=log.pk).delete()
    fresh = CommandLog.objects.get(pk=log.pk)
    assert fresh.sha256 == hashlib.sha256(b"$ reboot\n").hexdigest()


def test_a_changed_file_fails_verification(case, engineer):
    log = command_log_add(ticket_id=case.pk, actor=engineer, text="$ ls\n")
    with open(log.file.path, "ab") as f:
        f.write(b"rm -rf /\n")
    assert not CommandLog.objects.get(pk=log.pk).verify()


def test_command_log_is_a_file_or_a_paste(case, engineer):
    with pytest.raises(ValidationError):
        command_log_add(ticket_id=case.pk, actor=engineer)
    with pytest.raises(ValidationError):
        command_log_add(ticket_id=case.pk, actor=engineer, text="x", file=SimpleUploadedFile("a.log", b"x"))


def test_only_the_case_engineer_or_a_manager_works_remotely(case, other_engineer, customer):
    now = timezone.now()
    for actor in (other_engineer, customer):
        with pytest.raises(PermissionDenied):
            remote_session_request(
                ticket_id=case.pk, actor=actor, purpose="x", target_system="y", window_start=now, window_end=now + H
            )
