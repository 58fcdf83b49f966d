"""The customer portal: my organisation's cases, what is asked of me, a new request, one case."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from ..access import can_perform
from ..forms import CommentForm, PortalRequestForm
from ..hooks import CustomerTodo, case_panels_for, customer_todos, register_todo_provider
from ..lifecycle import FINAL_STATUSES, Action, Status, allowed_actions
from ..models import Channel
from ..selectors import ticket_get_for_user, ticket_list_for_user, ticket_timeline
from ..services import ticket_comment, ticket_create
from ._common import add_service_errors, customer_required, page_without_count

PAGE_SIZE = 30


def _replies_needed(request, ticket=None) -> list[CustomerTodo]:
    if ticket is not None:
        return []  # the case page says so itself, above its reply form
    waiting = ticket_list_for_user(request.user).filter(status=Status.WAITING).order_by("updated_at")[:20]
    return [
        CustomerTodo(
            label=gettext("Reply needed"),
            text=f"{t.reference} · {t.subject}",
            url=reverse("tickets:portal-case", args=[t.reference]) + "#reply",
            detail=gettext("The engineer is waiting for information from you."),
        )
        for t in waiting
    ]


register_todo_provider("tickets", _replies_needed)


@customer_required
def portal(request):
    mine = ticket_list_for_user(request.user)
    rows, page, has_next = page_without_count(mine.order_by("-updated_at", "-id"), request, size=PAGE_SIZE)
    return render(
        request,
        "tickets/portal/list.html",
        {"tickets": rows, "page": page, "has_next": has_next, "todos": customer_todos(request)},
    )


@customer_required
def portal_new(request):
    organisation = request.user.organisation
    if request.method == "POST":
        form = PortalRequestForm(request.POST, request.FILES, owner=request.user, organisation=organisation)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = ticket_create(
                    actor=request.user,
                    channel=Channel.PORTAL,
                    category=data["category"],
                    priority=data["priority"],
                    device=data["device"],
                    subject=data["subject"],
                    description=data["description"],
                    files=form.files_to_attach(),
                )
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                form.discard_kept()
                messages.success(
                    request,
                    gettext("Request %(reference)s received. We will get back to you shortly.")
                    % {"reference": ticket.reference},
                )
                return redirect("tickets:portal-case", reference=ticket.reference)
        form.keep_uploads()
    else:
        form = PortalRequestForm(owner=request.user, organisation=organisation)
    return render(request, "tickets/portal/new.html", {"form": form})


@login_required
def portal_case(request, reference):
    ticket = ticket_get_for_user(request.user, reference=reference)
    if request.user.is_staff_member:
        return redirect("tickets:case", reference=ticket.reference)
    if not request.user.is_customer:
        raise PermissionDenied(gettext("This page is for customer contacts."))
    is_open = ticket.status not in FINAL_STATUSES
    form = None
    if is_open:
        form = CommentForm(request.POST or None, request.FILES or None, owner=request.user)
    if request.method == "POST" and form is not None:
        if form.is_valid():
            try:
                ticket_comment(
                    ticket_id=ticket.pk,
                    actor=request.user,
                    body=form.cleaned_data["body"],
                    is_public=True,
                    files=form.files_to_attach(),
                )
            except (ValidationError, PermissionDenied) as e:
                add_service_errors(form, e if isinstance(e, ValidationError) else ValidationError(str(e)))
            else:
                form.discard_kept()
                messages.success(request, gettext("Your reply has been added."))
                return redirect(reverse("tickets:portal-case", args=[ticket.reference]) + "#reply")
        form.keep_uploads()
    timeline = list(ticket_timeline(ticket, request.user))
    return render(
        request,
        "tickets/portal/case.html",
        {
            "ticket": ticket,
            "timeline": timeline,
            "files": [f for event in timeline for f in event.files.all()],
            "form": form,
            "can_cancel": Action.CANCEL in allowed_actions(ticket.status)
            and can_perform(request.user, ticket, Action.CANCEL),
            "todos": customer_todos(request, ticket),
            "panels": case_panels_for(request, ticket),
        },
    )
