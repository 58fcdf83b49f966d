"""The staff side: the queue, the case page with its actions, and opening a case for a customer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from ..access import can_comment, can_edit, can_perform
from ..filters import SORTS, TicketFilter
from ..forms import CaseEditForm, CommentForm, StaffCaseForm, TransitionForm
from ..hooks import annotate_for_queue, case_facts, case_panels_for, queue_columns
from ..lifecycle import FINAL_STATUSES, Action, InvalidTransition, allowed_actions
from ..models import Department
from ..selectors import engineer_list, ticket_get_for_user, ticket_list_for_user, ticket_timeline
from ..services import ticket_comment, ticket_create, ticket_transition, ticket_update
from ._common import CREATOR_ROLES, add_service_errors, page_without_count, roles_required, staff_required

PAGE_SIZES = (25, 50, 100)
_SORT_FIELDS = {field for field, _ in SORTS}

# What each action asks for on the case page.
_NEEDS_NOTE = {Action.WAIT}
_TAKES_NOTE = {Action.WAIT, Action.RESUME, Action.REOPEN, Action.ARCHIVE, Action.CANCEL}
_DANGER = {Action.CANCEL}


# --- the queue --------------------------------------------------------------------------


@staff_required
def queue(request):
    user = request.user
    filterset = TicketFilter(request.GET, queryset=ticket_list_for_user(user), request=request)
    tickets = filterset.qs
    if filterset.form.cleaned_data.get("o"):
        # A sort on a non-unique column needs a tie-breaker, or rows jump between pages.
        tickets = tickets.order_by(*tickets.query.order_by, "-id")
    try:
        page_size = int(request.GET.get("page_size", PAGE_SIZES[0]))
    except ValueError:
        page_size = PAGE_SIZES[0]
    if page_size not in PAGE_SIZES:
        page_size = PAGE_SIZES[0]
    rows, page, has_next = page_without_count(annotate_for_queue(tickets), request, size=page_size)
    return render(
        request,
        "tickets/staff/queue.html",
        {
            "filter": filterset,
            "tickets": rows,
            "page": page,
            "has_next": has_next,
            "page_size": page_size,
            "page_sizes": PAGE_SIZES,
            "sort": request.GET.get("o", ""),
            "departments": Department.objects.all(),
            "engineers": engineer_list() if user.is_supervisor else (),
            "extra_columns": queue_columns,
        },
    )


# --- the case page ----------------------------------------------------------------------


@login_required
def case(request, reference):
    ticket = ticket_get_for_user(request.user, reference=reference)
    if not request.user.is_staff_member:
        return redirect("tickets:portal-case", reference=ticket.reference)
    return _render_case(request, ticket)


def _render_case(request, ticket, *, transition_form=None, comment_form=None, edit_form=None):
    user = request.user
    actions = [a for a in allowed_actions(ticket.status) if can_perform(user, ticket, a)]
    failed_action = transition_form.data.get("action") if transition_form is not None else None
    action_forms = []
    for action in actions:
        form = transition_form if failed_action == action else TransitionForm(initial={"action": action})
        action_forms.append(
            {
                "action": action,
                "form": form,
                "needs_note": action in _NEEDS_NOTE,
                "takes_note": action in _TAKES_NOTE,
                "needs_resolution": action == Action.RESOLVE,
                "danger": action in _DANGER,
                "open": failed_action == action,
            }
        )
    is_open = ticket.status not in FINAL_STATUSES
    editable = is_open and can_edit(user, ticket)
    device = ticket.device
    return render(
        request,
        "tickets/staff/case.html",
        {
            "ticket": ticket,
            "facts": [{"label": f.label, "value": getattr(ticket, f.name, "")} for f in case_facts],
            "timeline": ticket_timeline(ticket, user),
            "actions": action_forms,
            "assign_allowed": Action.ASSIGN in actions,
            "engineers": engineer_list() if Action.ASSIGN in actions else (),
            "comment_form": comment_form
            or (CommentForm(allow_internal=True) if is_open and can_comment(user, ticket) else None),
            "edit_form": edit_form or (CaseEditForm(ticket=ticket) if editable else None),
            "edit_open": edit_form is not None,
            "in_warranty": device.in_warranty(timezone.localdate()) if device else None,
            "panels": case_panels_for(request, ticket),
        },
    )


def _back_to_case(request, ticket):
    name = "tickets:case" if request.user.is_staff_member else "tickets:portal-case"
    return redirect(name, reference=ticket.reference)


@login_required
@require_POST
def transition(request, reference):
    """Every lifecycle action from the pages (customers cancel and resume here too)."""
    ticket = ticket_get_for_user(request.user, reference=reference)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("That action is not known. Reload the page and try again."))
        return _back_to_case(request, ticket)
    data = form.cleaned_data
    try:
        ticket = ticket_transition(
            ticket_id=ticket.pk,
            action=Action(data["action"]),
            actor=request.user,
            note=data["note"],
            is_public=not (data["internal"] and request.user.is_staff_member),
            resolution=data["resolution"],
            assignee=data["assignee"],
        )
    except InvalidTransition as e:
        messages.error(request, e.message)
    except PermissionDenied as e:
        messages.error(request, str(e) or gettext("You may not do this on this case."))
    except ValidationError as e:
        if request.user.is_staff_member:
            add_service_errors(form, e)
            return _render_case(request, ticket, transition_form=form)
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            gettext("%(reference)s is now “%(status)s”.")
            % {"reference": ticket.reference, "status": ticket.get_status_display()},
        )
    return _back_to_case(request, ticket)


@staff_required
@require_POST
def comment(request, reference):
    ticket = ticket_get_for_user(request.user, reference=reference)
    form = CommentForm(request.POST, request.FILES, owner=request.user, allow_internal=True)
    if form.is_valid():
        try:
            ticket_comment(
                ticket_id=ticket.pk,
                actor=request.user,
                body=form.cleaned_data["body"],
                is_public=not form.cleaned_data["internal"],
                files=form.files_to_attach(),
            )
        except PermissionDenied as e:
            messages.error(request, str(e))
            return redirect("tickets:case", reference=ticket.reference)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            form.discard_kept()
            messages.success(request, gettext("Comment added."))
            return redirect(reverse("tickets:case", args=[ticket.reference]) + "#timeline-end")
    form.keep_uploads()
    return _render_case(request, ticket, comment_form=form)


@staff_required
@require_POST
def edit(request, reference):
    ticket = ticket_get_for_user(request.user, reference=reference)
    form = CaseEditForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            ticket_update(ticket_id=ticket.pk, actor=request.user, **form.cleaned_data)
        except PermissionDenied as e:
            messages.error(request, str(e))
            return redirect("tickets:case", reference=ticket.reference)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, gettext("Case details saved."))
            return redirect("tickets:case", reference=ticket.reference)
    return _render_case(request, ticket, edit_form=form)


# --- opening a case for a customer ------------------------------------------------------


@roles_required(*CREATOR_ROLES)
def staff_new(request):
    if request.method == "POST":
        form = StaffCaseForm(request.POST, request.FILES, owner=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = ticket_create(
                    actor=request.user,
                    channel=data["channel"],
                    category=data["category"],
                    priority=data["priority"],
                    organisation=data["organisation"],
                    contact=data["contact"],
                    device=data["device"],
                    subject=data["subject"],
                    description=data["description"],
                    files=form.files_to_attach(),
                )
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                form.discard_kept()
                messages.success(request, format_html(gettext("Case {} opened."), ticket.reference))
                return redirect("tickets:case", reference=ticket.reference)
        form.keep_uploads()
    else:
        # Choosing the organisation reloads this page (with htmx, or the no-script button)
        # so the contact and device lists hold only that organisation's.
        form = StaffCaseForm(initial=request.GET.dict(), owner=request.user)
    return render(request, "tickets/staff/new.html", {"form": form})
