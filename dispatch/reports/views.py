"""The fault-handling report (write, print, PDF) and the fault database."""

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext

from tickets.selectors import ticket_get_for_user
from tickets.views._common import page_without_count, staff_required

from ..onsite.models import MajorOperation, PartLine, Visit
from ..remote.models import CommandLog, RemoteSession, SolutionPlan
from ..views._common import case_url, form_page, stored_file
from .forms import FaultReportForm, FaultSearchForm
from .models import FaultReport
from .selectors import fault_report_search
from .services import fault_report_write

PAGE_SIZE = 25


@staff_required
def write(request, reference):
    """Write (or rewrite) the report; a first draft comes from the case itself."""
    ticket = ticket_get_for_user(request.user, reference=reference)
    report = FaultReport.objects.filter(ticket=ticket).first()
    if report:
        initial = {
            "symptom": report.symptom,
            "cause": report.cause,
            "actions_taken": report.actions_taken,
            "prevention": report.prevention,
            "service_restored_at": report.service_restored_at,
            "root_cause_fixed_at": report.root_cause_fixed_at,
        }
    else:
        summaries = [v.summary for v in Visit.objects.filter(ticket=ticket).exclude(summary="")]
        initial = {
            "symptom": ticket.description,
            "actions_taken": "\n".join([*summaries, ticket.resolution] if ticket.resolution else summaries),
        }
    form = FaultReportForm(request.POST if request.method == "POST" else None, initial=initial)
    return form_page(
        request,
        form=form,
        call=lambda d: fault_report_write(ticket_id=ticket.pk, actor=request.user, **d),
        success=gettext("Fault-handling report filed; the customer can download it."),
        back=case_url(request, ticket),
        context={
            "ticket": ticket,
            "title": gettext("Fault-handling report"),
            "submit": gettext("File the report"),
            "cancel_url": case_url(request, ticket),
        },
    )


def _report_for(request, reference) -> FaultReport:
    ticket = ticket_get_for_user(request.user, reference=reference)
    report = FaultReport.objects.filter(ticket=ticket).select_related("product", "written_by").first()
    if report is None:
        raise Http404
    report.ticket = ticket
    return report


@login_required
def printable(request, reference):
    report = _report_for(request, reference)
    ticket = report.ticket
    return render(
        request,
        "dispatch/report_print.html",
        {
            "report": report,
            "ticket": ticket,
            "parts": PartLine.objects.filter(ticket=ticket),
            "sessions": RemoteSession.objects.filter(ticket=ticket, approved_at__isnull=False).order_by("approved_at"),
            "plans": SolutionPlan.objects.filter(ticket=ticket, decided_at__isnull=False),
            "operations": MajorOperation.objects.filter(visit__ticket=ticket, approved_at__isnull=False),
            "visits": Visit.objects.filter(ticket=ticket).select_related("engineer"),
            "logs": CommandLog.objects.filter(ticket=ticket),
        },
    )


@login_required
def pdf(request, reference):
    report = _report_for(request, reference)
    return stored_file(report.pdf, content_type="application/pdf")


@staff_required
def fault_database(request):
    form = FaultSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    reports = fault_report_search(
        request.user,
        q=filters.get("q", ""),
        product_id=filters["product"].pk if filters.get("product") else None,
        symptom=filters.get("symptom", ""),
        cause=filters.get("cause", ""),
    ).annotate(reference=F("ticket__reference"))
    rows, page, has_next = page_without_count(reports, request, size=PAGE_SIZE)
    return render(
        request,
        "dispatch/faults.html",
        {"form": form, "reports": rows, "page": page, "has_next": has_next},
    )
