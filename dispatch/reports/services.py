"""The fault-handling report, generated from the case and stored with it as a PDF."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from tickets.models import Ticket

from .. import pdf
from ..events import DispatchEvent
from ..onsite.models import MajorOperation, PartLine, Visit
from ..remote.models import CommandLog, RemoteSession, SolutionPlan
from ..services.common import ensure_handler, lock_ticket, record_event
from .models import FaultReport


def _approvals(ticket: Ticket) -> list[list[str]]:
    rows = [[gettext("What"), gettext("Approved by"), gettext("When"), gettext("How")]]
    for s in RemoteSession.objects.filter(ticket=ticket, approved_at__isnull=False).order_by("approved_at"):
        rows.append(
            [
                gettext("Remote session on %(system)s") % {"system": s.target_system},
                s.approver_name,
                pdf.when(s.approved_at),
                s.get_approval_channel_display(),
            ]
        )
    for p in SolutionPlan.objects.filter(ticket=ticket, decided_at__isnull=False).order_by("decided_at"):
        rows.append([gettext("Solution plan"), p.decided_name, pdf.when(p.decided_at), p.get_status_display()])
    for o in MajorOperation.objects.filter(visit__ticket=ticket, approved_at__isnull=False).order_by("approved_at"):
        rows.append([o.get_kind_display(), o.approver_name, pdf.when(o.approved_at), pdf.when(o.done_at)])
    return rows if len(rows) > 1 else []


def _parts(ticket: Ticket) -> list[list[str]]:
    rows = [[gettext("Part"), gettext("Quantity"), gettext("Unit price"), gettext("Charged")]]
    for line in PartLine.objects.filter(ticket=ticket):
        charged = gettext("free (in warranty)") if line.in_warranty else str(line.amount_charged)
        rows.append([line.description, str(line.quantity), str(line.unit_price), charged])
    return rows if len(rows) > 1 else []


def _visits(ticket: Ticket) -> list[list[str]]:
    rows = [[gettext("Engineer"), gettext("Arrived at"), gettext("Finished at"), gettext("Visit record")]]
    for v in Visit.objects.filter(ticket=ticket).select_related("engineer"):
        rows.append([str(v.engineer), pdf.when(v.arrived_at), pdf.when(v.finished_at), v.summary])
    return rows if len(rows) > 1 else []


def _command_logs(ticket: Ticket) -> list[list[str]]:
    rows = [[gettext("Command log"), gettext("Uploaded at"), "SHA-256"]]
    for log in CommandLog.objects.filter(ticket=ticket):
        rows.append([log.filename, pdf.when(log.created_at), log.sha256])
    return rows if len(rows) > 1 else []


def fault_report_pdf(report: FaultReport) -> bytes:
    ticket = report.ticket
    device = ticket.device
    facts = [
        (gettext("Case"), f"{ticket.reference} {ticket.subject}"),
        (gettext("Customer"), str(ticket.organisation or ticket.requester_display)),
        (gettext("Device"), str(device) if device else "—"),
        (gettext("Engineer"), str(ticket.assignee or "—")),
        (gettext("Reported at"), pdf.when(ticket.created_at)),
        (gettext("Service restored at"), pdf.when(report.service_restored_at)),
        (gettext("Root cause fixed at"), pdf.when(report.root_cause_fixed_at)),
    ]
    sections = [
        pdf.Section(gettext("Case"), rows=facts),
        pdf.Section(gettext("Symptom"), text=report.symptom),
        pdf.Section(gettext("Cause"), text=report.cause),
        pdf.Section(gettext("What was done"), text=report.actions_taken),
    ]
    for title, table in (
        (gettext("Parts"), _parts(ticket)),
        (gettext("Approvals"), _approvals(ticket)),
        (gettext("On-site visits"), _visits(ticket)),
        (gettext("Remote command logs"), _command_logs(ticket)),
    ):
        if table:
            sections.append(pdf.Section(title, table=table))
    sections.append(pdf.Section(gettext("Prevention advice"), text=report.prevention or "—"))
    return pdf.render(
        title=gettext("Fault-handling report"),
        subtitle=f"{ticket.reference} · 故障处理报告 · {pdf.when(timezone.now())}",
        sections=sections,
    )


@transaction.atomic
def fault_report_write(
    *,
    ticket_id: int,
    actor: User,
    symptom: str,
    cause: str,
    actions_taken: str,
    prevention: str = "",
    service_restored_at: dt.datetime | None = None,
    root_cause_fixed_at: dt.datetime | None = None,
) -> FaultReport:
    """Write (or rewrite) the case's report and store its PDF; the customer sees it on the timeline.

    Restoration and fix times default to the latest visit's, so an on-site case needs no retyping.
    """
    ticket = lock_ticket(ticket_id)
    ensure_handler(actor, ticket)
    errors = {
        f: [gettext("This field is required.")]
        for f, v in (("symptom", symptom), ("cause", cause), ("actions_taken", actions_taken))
        if not v.strip()
    }
    if errors:
        raise ValidationError(errors)
    last_visit = Visit.objects.filter(ticket=ticket, arrived_at__isnull=False).order_by("-arrived_at").first()
    restored = service_restored_at or (last_visit.service_restored_at if last_visit else None)
    fixed = root_cause_fixed_at or (last_visit.root_cause_fixed_at if last_visit else None)
    if restored and fixed and fixed < restored:
        raise ValidationError({"root_cause_fixed_at": [gettext("The fix comes after the restoration.")]})
    report = FaultReport.objects.select_for_update().filter(ticket=ticket).first() or FaultReport(ticket=ticket)
    report.product_id = ticket.device.product_id if ticket.device is not None else None
    report.symptom, report.cause = symptom.strip(), cause.strip()
    report.actions_taken, report.prevention = actions_taken.strip(), prevention.strip()
    report.service_restored_at, report.root_cause_fixed_at = restored, fixed
    report.written_by = actor
    report.save()
    report.pdf.save(f"{ticket.reference}-fault-report.pdf", ContentFile(fault_report_pdf(report)), save=True)
    record_event(
        ticket=ticket,
        kind=DispatchEvent.REPORT,
        actor=actor,
        body=gettext("Fault-handling report filed."),
        is_public=True,
        data={"report": report.pk},
        notify=[ticket.contact],
    )
    return report
