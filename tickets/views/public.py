"""The public request form for people without an account: submit, confirm by email, then a case."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django_ratelimit.decorators import ratelimit

from ..forms import PublicRequestForm
from ..services import public_request_confirm, public_request_submit


def _rate(group, request) -> str:
    # Read at request time, so the administrator's setting (and a test's override) applies.
    return settings.PUBLIC_REQUEST_RATE


def _ensure_enabled() -> None:
    if not settings.PUBLIC_REQUEST_FORM_ENABLED:
        raise Http404


@ratelimit(key="ip", rate=_rate, method="POST", block=False)
def public_request(request):
    _ensure_enabled()
    if request.method == "POST":
        if getattr(request, "limited", False):
            return render(request, "429.html", status=429)
        form = PublicRequestForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if not data.pop("website"):
                public_request_submit(**data)
            return redirect("tickets:public-sent")
    else:
        form = PublicRequestForm()
    return render(request, "tickets/public/request.html", {"form": form})


def public_sent(request):
    _ensure_enabled()
    return render(request, "tickets/public/sent.html", {"hours": settings.PUBLIC_REQUEST_CONFIRM_HOURS})


def public_confirm(request, token):
    """The link from the email. Opening it shows a button; the case is created on POST, so mail
    scanners that follow links do not confirm requests on their own."""
    _ensure_enabled()
    if request.method == "POST":
        ticket = public_request_confirm(token=token)
        return render(request, "tickets/public/confirmed.html", {"ticket": ticket}, status=200 if ticket else 404)
    return render(request, "tickets/public/confirm.html", {"token": token})
