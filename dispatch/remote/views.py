"""Remote support from the pages: request, the customer's answer (portal or signed link), an approval
recorded by staff, start/end, solution plans, command logs with their checksum."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from tickets.selectors import ticket_get_for_user
from tickets.uploads import content_type_for
from tickets.views._common import add_service_errors, customer_required, staff_required

from .. import links
from ..selectors import case_object_for_user
from ..views._common import case_url, form_page, run, stored_file
from .forms import (
    CommandLogForm,
    LinkDecideForm,
    PlanDecideForm,
    PlanForm,
    RecordApprovalForm,
    RemoteDecideForm,
    RemoteRequestForm,
)
from .models import CommandLog, RemoteSession, SolutionPlan
from .selectors import command_log_list_for_case, remote_session_get_for_link, remote_session_list_for_case
from .services import (
    command_log_add,
    remote_session_decide,
    remote_session_decide_by_link,
    remote_session_end,
    remote_session_record_approval,
    remote_session_request,
    remote_session_start,
    solution_plan_carry_out,
    solution_plan_decide,
    solution_plan_submit,
)


@staff_required
def request_session(request, reference):
    ticket = ticket_get_for_user(request.user, reference=reference)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = RemoteRequestForm(
        request.POST if request.method == "POST" else None,
        initial={"window_start": now, "window_end": now + dt.timedelta(hours=4)},
    )
    return form_page(
        request,
        form=form,
        call=lambda d: remote_session_request(
            ticket_id=ticket.pk,
            actor=request.user,
            purpose=d["purpose"],
            target_system=d["target_system"],
            window_start=d["window_start"],
            window_end=d["window_end"],
        ),
        success=gettext("Remote session requested; the customer is asked to approve it."),
        back=case_url(request, ticket),
        context={
            "ticket": ticket,
            "title": gettext("Request a remote session"),
            "submit": gettext("Request the session"),
            "cancel_url": case_url(request, ticket),
        },
    )


@customer_required
def decide_session(request, pk):
    """The customer contact approves or refuses a session (from the portal case page)."""
    session = case_object_for_user(request.user, RemoteSession, pk)
    form = RemoteDecideForm(request.POST if request.method == "POST" else None, prefix=f"session-{session.pk}")
    back = case_url(request, session.ticket)
    return form_page(
        request,
        form=form,
        call=lambda d: remote_session_decide(
            session_id=session.pk, actor=request.user, approve=d["decision"] == "approve", reason=d["reason"]
        ),
        success=gettext("Thank you: your answer has been recorded."),
        back=back,
        context={
            "ticket": session.ticket,
            "session": session,
            "title": gettext("Remote session on %(system)s") % {"system": session.target_system},
            "submit": gettext("Send answer"),
            "cancel_url": back,
        },
    )


def decide_by_link(request, token):
    """The emailed approval link (no login: the signed token is the proof)."""
    try:
        session_id, _contact = links.read_token(links.REMOTE_APPROVAL, token)
        session = remote_session_get_for_link(session_id)
    except (ValidationError, RemoteSession.DoesNotExist) as e:
        message = " ".join(e.messages) if isinstance(e, ValidationError) else gettext("This link is not valid.")
        return render(request, "dispatch/link_invalid.html", {"message": message}, status=404)
    form = LinkDecideForm(request.POST if request.method == "POST" else None)
    done = False
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            session = remote_session_decide_by_link(
                token=token, approve=d["decision"] == "approve", name=d["name"], reason=d["reason"]
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            done = True
    return render(
        request,
        "dispatch/remote_link.html",
        {"session": session, "form": form, "done": done, "answered": not session.is_open},
    )


@staff_required
def record_approval(request, pk):
    session = case_object_for_user(request.user, RemoteSession, pk)
    ticket = session.ticket
    form = RecordApprovalForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
    )
    return form_page(
        request,
        form=form,
        call=lambda d: remote_session_record_approval(
            session_id=session.pk,
            actor=request.user,
            approver_name=d["approver_name"],
            document=d["document"],
            expires_at=d["expires_at"],
        ),
        success=gettext("Approval recorded; the session may start."),
        back=case_url(request, ticket),
        context={
            "ticket": ticket,
            "session": session,
            "title": gettext("Record an approval received another way"),
            "submit": gettext("Record the approval"),
            "multipart": True,
            "cancel_url": case_url(request, ticket),
        },
    )


@staff_required
@require_POST
def start_session(request, pk):
    session = case_object_for_user(request.user, RemoteSession, pk)
    return run(
        request,
        lambda: remote_session_start(session_id=session.pk, actor=request.user),
        success=gettext("Remote session started."),
        back=case_url(request, session.ticket),
    )


@staff_required
@require_POST
def end_session(request, pk):
    session = case_object_for_user(request.user, RemoteSession, pk)
    return run(
        request,
        lambda: remote_session_end(session_id=session.pk, actor=request.user),
        success=gettext("Remote session ended."),
        back=case_url(request, session.ticket),
    )


@staff_required
def approval_document(request, pk):
    session = case_object_for_user(request.user, RemoteSession, pk)
    return stored_file(session.approval_document)


# --- solution plans -------------------------------------------------------------------


@staff_required
def submit_plan(request, reference):
    ticket = ticket_get_for_user(request.user, reference=reference)
    form = PlanForm(request.POST if request.method == "POST" else None)
    return form_page(
        request,
        form=form,
        call=lambda d: solution_plan_submit(ticket_id=ticket.pk, actor=request.user, body=d["body"]),
        success=gettext("Solution plan sent to the customer for approval."),
        back=case_url(request, ticket),
        context={
            "ticket": ticket,
            "title": gettext("Write the solution plan"),
            "submit": gettext("Send for approval"),
            "cancel_url": case_url(request, ticket),
        },
    )


@customer_required
def decide_plan(request, pk):
    plan = case_object_for_user(request.user, SolutionPlan, pk)
    back = case_url(request, plan.ticket)
    form = PlanDecideForm(request.POST if request.method == "POST" else None, prefix=f"plan-{plan.pk}")
    return form_page(
        request,
        form=form,
        call=lambda d: solution_plan_decide(
            plan_id=plan.pk, actor=request.user, approve=d["decision"] == "approve", note=d["note"]
        ),
        success=gettext("Thank you: your answer has been recorded."),
        back=back,
        context={
            "ticket": plan.ticket,
            "plan": plan,
            "title": gettext("Solution plan"),
            "submit": gettext("Send answer"),
            "cancel_url": back,
        },
    )


@staff_required
@require_POST
def carry_out_plan(request, pk):
    plan = case_object_for_user(request.user, SolutionPlan, pk)
    return run(
        request,
        lambda: solution_plan_carry_out(plan_id=plan.pk, actor=request.user),
        success=gettext("Solution plan carried out."),
        back=case_url(request, plan.ticket),
    )


# --- command logs ---------------------------------------------------------------------


@staff_required
def command_logs(request, reference):
    """The case's command logs with their SHA-256, and the form to upload or paste one."""
    ticket = ticket_get_for_user(request.user, reference=reference)
    sessions = remote_session_list_for_case(ticket)
    post = request.method == "POST"
    form = CommandLogForm(request.POST if post else None, request.FILES if post else None, sessions=sessions)
    logs_url = reverse("dispatch:command-logs", args=[ticket.reference])
    return form_page(
        request,
        form=form,
        call=lambda d: command_log_add(
            ticket_id=ticket.pk, actor=request.user, file=d["file"], text=d["text"], session=d["session"]
        ),
        success=gettext("Command log stored."),
        back=lambda log: f"{logs_url}#log-{log.pk}",
        template="dispatch/command_logs.html",
        context={
            "ticket": ticket,
            "logs": command_log_list_for_case(ticket),
            "cancel_url": logs_url,
        },
    )


@login_required
def command_log_download(request, pk):
    """The stored log exactly as received (staff, and the customer it was delivered to)."""
    log = case_object_for_user(request.user, CommandLog, pk)
    if not (request.user.is_staff_member or request.user.is_customer):
        raise PermissionDenied
    return stored_file(log.file, content_type=content_type_for(log.filename))
