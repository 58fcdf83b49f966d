"""Dispatch from the pages: the manager assigns one case, or many from the queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from tickets.selectors import ticket_get_for_user, ticket_list_for_user

from ..forms import AssignForm, BulkAssignForm
from ..services.assignment import dispatch_assign
from ._common import REFUSALS, reason


def _supervisor_required(user) -> None:
    if not user.is_supervisor:
        raise PermissionDenied(gettext("Only after-sales managers dispatch cases."))


@login_required
@require_POST
def assign(request, reference):
    _supervisor_required(request.user)
    ticket = ticket_get_for_user(request.user, reference=reference)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose an engineer to assign %(reference)s to.") % {"reference": reference})
        return redirect("tickets:case", reference=ticket.reference)
    engineer = form.cleaned_data["assignee"]
    # The engineer the manager saw on the page (a hidden field), else the one read now: if another
    # manager assigns the case meanwhile, this one is refused instead of silently overwriting.
    expected = form.cleaned_data.get("expected_assignee")
    expected_id = (expected or None) if "expected_assignee" in request.POST else ticket.assignee_id
    try:
        dispatch_assign(
            ticket_id=ticket.pk,
            engineer=engineer,
            actor=request.user,
            note=form.cleaned_data["note"],
            expected_assignee_id=expected_id,
        )
    except (*REFUSALS, ValidationError) as e:
        messages.error(request, reason(e))
    else:
        messages.success(
            request,
            gettext("%(reference)s assigned to %(engineer)s.") % {"reference": ticket.reference, "engineer": engineer},
        )
    return redirect("tickets:case", reference=ticket.reference)


@login_required
@require_POST
def bulk_assign(request):
    _supervisor_required(request.user)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "tickets:queue"
    form = BulkAssignForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    engineer, references = form.cleaned_data["assignee"], form.cleaned_data["tickets"]
    found = {t.reference: t for t in ticket_list_for_user(request.user).filter(reference__in=references)}
    assigned, failed = [], []
    for reference in references:
        ticket = found.get(reference)
        if ticket is None:
            failed.append((reference, gettext("not found")))
            continue
        # dispatch_assign runs in its own transaction: one refused case does not undo the others.
        try:
            dispatch_assign(
                ticket_id=ticket.pk, engineer=engineer, actor=request.user, expected_assignee_id=ticket.assignee_id
            )
        except (*REFUSALS, ValidationError) as e:
            failed.append((reference, reason(e)))
        else:
            assigned.append(reference)
    if assigned:
        messages.success(
            request,
            ngettext(
                "%(count)d case assigned to %(engineer)s: %(references)s.",
                "%(count)d cases assigned to %(engineer)s: %(references)s.",
                len(assigned),
            )
            % {"count": len(assigned), "engineer": engineer, "references": ", ".join(assigned)},
        )
    for reference, why in failed:
        messages.error(
            request, gettext("%(reference)s not assigned: %(reason)s") % {"reference": reference, "reason": why}
        )
    return redirect(back)
