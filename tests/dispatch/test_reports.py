"""The fault-handling report PDF and the fault database."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pypdf import PdfReader

from dispatch.events import DispatchEvent
from dispatch.onsite.services import (
    major_operation_approve,
    major_operation_done,
    major_operation_request,
    part_add,
    visit_arrive,
    visit_decide,
    visit_finish,
    visit_record_fixed,
    visit_record_restored,
)
from dispatch.remote.services import command_log_add, remote_session_decide, remote_session_request
from dispatch.reports.selectors import fault_report_search
from dispatch.reports.services import fault_report_write
from dispatch.services.assignment import dispatch_assign
from tickets.lifecycle import Action
from tickets.services import ticket_resolve, ticket_transition

from ..factories import make_ticket


def pdf_text(report) -> str:
    reader = PdfReader(report.pdf.open("rb"))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def handled_case(customer, engineer, manager, storage_device):
    """A case worked remotely, then on site: command log, visit, reboot approved, a part."""
    ticket = make_ticket(contact=customer, device=storage_device, subject="阵列离线")
    dispatch_assign(ticket_id=ticket.pk, engineer=engineer, actor=manager)
    ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
    now = timezone.now()
    session = remote_session_request(
        ticket_id=ticket.pk,
        actor=engineer,
        purpose="Logs",
        target_system="Controller A",
        window_start=now,
        window_end=now + dt.timedelta(hours=2),
    )
    remote_session_decide(session_id=session.pk, actor=customer, approve=True)
    command_log_add(ticket_id=ticket.pk, actor=engineer, text="$ show alarm\nDISK FAIL slot 3\n", session=session)
    visit = visit_decide(ticket_id=ticket.pk, actor=manager, reason="Disk replacement")
    visit_arrive(visit_id=visit.pk, actor=engineer)
    operation = major_operation_request(visit_id=visit.pk, actor=engineer, kind="reboot", description="Reboot A")
    major_operation_approve(operation_id=operation.pk, actor=customer)
    major_operation_done(operation_id=operation.pk, actor=engineer)
    part_add(
        ticket_id=ticket.pk, actor=engineer, description="1.2TB SAS disk", quantity=1, unit_price="1500", visit=visit
    )
    visit_record_restored(visit_id=visit.pk, actor=engineer)
    visit_record_fixed(visit_id=visit.pk, actor=engineer)
    visit_finish(visit_id=visit.pk, actor=engineer, summary="Replaced disk in slot 3, rebuilt RAID")
    return ticket


def test_report_pdf_carries_the_whole_case(handled_case, engineer):
    report = fault_report_write(
        ticket_id=handled_case.pk,
        actor=engineer,
        symptom="阵列离线 array offline",
        cause="Disk failure in slot 3",
        actions_taken="Replaced the disk and rebuilt the RAID group",
        prevention="Check disk health monthly",
    )

    assert report.service_restored_at is not None  # taken from the visit
    assert report.root_cause_fixed_at >= report.service_restored_at
    text = pdf_text(report)
    flat = " ".join(text.split())  # table cells wrap long values
    for expected in (
        handled_case.reference,
        "Fault-handling report",
        "故障处理报告",
        "阵列离线",
        "Disk failure in slot 3",
        "Replaced the disk",
        "Service restored at",
        "Root cause fixed at",
        "1.2TB SAS disk",
        "free (in warranty)",
        "Remote session on Controller A",
        "System reboot",
        "Replaced disk in slot 3",
        "session",  # the command log's name…
        "Check disk health monthly",
    ):
        assert expected in flat, expected
    log = handled_case.command_logs.get()
    assert log.sha256[:16] in text.replace("\n", "")  # …and its checksum
    event = handled_case.events.get(kind=DispatchEvent.REPORT)
    assert event.is_public


def test_report_needs_symptom_cause_and_actions(handled_case, engineer):
    with pytest.raises(ValidationError) as e:
        fault_report_write(ticket_id=handled_case.pk, actor=engineer, symptom="", cause=" ", actions_taken="")
    assert set(e.value.message_dict) == {"symptom", "cause", "actions_taken"}


def test_only_the_engineer_or_a_manager_writes_the_report(handled_case, customer, other_engineer):
    for actor in (customer, other_engineer):
        with pytest.raises(PermissionDenied):
            fault_report_write(ticket_id=handled_case.pk, actor=actor, symptom="s", cause="c", actions_taken="a")


def test_rewriting_keeps_one_report(handled_case, engineer):
    first = fault_report_write(ticket_id=handled_case.pk, actor=engineer, symptom="s", cause="c", actions_taken="a")
    second = fault_report_write(ticket_id=handled_case.pk, actor=engineer, symptom="s2", cause="c2", actions_taken="a2")
    assert first.pk == second.pk
    assert "c2" in pdf_text(second)


def test_fault_database_holds_resolved_cases_searchable_by_product_symptom_cause(
    handled_case, engineer, customer, other_customer, manager
):
    fault_report_write(
        ticket_id=handled_case.pk, actor=engineer, symptom="Array offline", cause="Disk failure", actions_taken="x"
    )
    assert list(fault_report_search(manager)) == []  # not resolved yet
    ticket_resolve(ticket_id=handled_case.pk, resolution="Disk replaced", actor=engineer)

    product = handled_case.device.product
    assert [r.ticket for r in fault_report_search(manager)] == [handled_case]
    assert fault_report_search(manager, product_id=product.pk).count() == 1
    assert fault_report_search(manager, product_line="storage").count() == 1
    assert fault_report_search(manager, symptom="offline").count() == 1
    assert fault_report_search(manager, cause="power").count() == 0
    assert fault_report_search(manager, q="disk").count() == 1
    assert fault_report_search(customer).count() == 1
    assert fault_report_search(other_customer).count() == 0
