"""What every dispatch page shares: refusing plainly, running a service behind a form, going back."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from core.errors import Conflict
from tickets.views._common import add_service_errors

from ..models import ImmutableError

# A refusal the person can read: shown as a message, never a 500.
REFUSALS = (PermissionDenied, Conflict, ImmutableError)


def reason(error: Exception) -> str:
    if isinstance(error, Conflict):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or gettext("You may not do this on this case.")


def case_url(request, ticket) -> str:
    name = "tickets:case" if request.user.is_authenticated and request.user.is_staff_member else "tickets:portal-case"
    return reverse(name, args=[ticket.reference])


def next_or(request, default: str) -> str:
    """Where to go back to: a same-site ``next`` from the form, else ``default``."""
    back = request.POST.get("next") or request.GET.get("next") or ""
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return default


def run(request, call: Callable[[], object], *, success: str, back: str):
    """A button: call the service, then back with what happened (the reason when it was refused)."""
    try:
        call()
    except (*REFUSALS, ValidationError) as e:
        messages.error(request, reason(e))
    else:
        messages.success(request, success)
    return redirect(back)


def form_page(
    request,
    *,
    form,
    call: Callable[[dict], object],
    success: str,
    back: str | Callable[[object], str],
    template: str = "dispatch/form_page.html",
    context: dict | None = None,
):
    """A form on its own page (the case page's panels post here too): valid input calls the service and
    goes ``back``; a refusal goes back with the reason; bad input re-renders here, errors next to the
    fields and what was typed kept."""
    if request.method == "POST" and form.is_valid():
        try:
            result = call(form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        except REFUSALS as e:
            messages.error(request, reason(e))
            return redirect(back if isinstance(back, str) else (context or {}).get("cancel_url", "/"))
        else:
            messages.success(request, success)
            return redirect(back(result) if callable(back) else back)
    return render(request, template, {**(context or {}), "form": form})


def stored_file(field, *, as_attachment: bool = True, content_type: str | None = None) -> FileResponse:
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as e:
        raise Http404 from e
    name = field.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=as_attachment, filename=name, content_type=content_type)
