from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import two_factor
from .forms import CodeForm
from .roles import Role


@login_required
def home(request):
    """Send each person to the page their role starts from."""
    user = request.user
    if user.is_supervisor or user.is_engineer:
        return redirect("tickets:queue")
    if user.has_role(Role.AGENT):
        return redirect("tickets:hotline")
    return redirect("tickets:portal")


@require_POST
def set_language(request):
    """Django's language switch, which also saves the choice as the user's preference."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(request.user._meta.get_field("language").choices):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
def two_factor_setup(request):
    """A staff member's own two-factor page: enrol a TOTP device (QR code and secret, confirmed by one
    code) or remove it (with one code). Customers do not have one."""
    user = request.user
    if not user.is_staff_member:
        raise Http404
    device = two_factor.device_get_confirmed(user)
    form = CodeForm(request.POST or None)
    if device is not None:
        if request.method == "POST" and form.is_valid():
            if two_factor.device_remove(request=request, device=device, token=form.cleaned_data["code"]):
                messages.success(request, gettext("Two-factor login is off. You log in with your password only."))
                return redirect("two-factor")
            form.add_error("code", gettext("That code is not valid. Try the code your app shows now."))
        return render(request, "accounts/two_factor.html", {"form": form, "enrolled": True})

    pending = two_factor.device_get_or_create_unconfirmed(user)
    if request.method == "POST" and form.is_valid():
        if two_factor.device_confirm(request=request, device=pending, token=form.cleaned_data["code"]):
            messages.success(request, gettext("Two-factor login is on. Each login will ask for a code."))
            return redirect(_next_url(request) if request.POST.get("next") else "two-factor")
        form.add_error("code", gettext("That code is not valid. Try the code your app shows now."))
    context = {
        "form": form,
        "enrolled": False,
        "required": two_factor.admin_must_enrol(user),
        "qr_svg": two_factor.device_qr_svg(pending),
        "secret": two_factor.device_secret_text(pending),
        "next": request.GET.get("next", request.POST.get("next", "")),
    }
    return render(request, "accounts/two_factor.html", context)


@login_required
def two_factor_verify(request):
    """The login's second step: the code from the enrolled device. A wrong code is a failed login
    (counted towards the lockout, recorded in the audit log); once locked out, the session ends."""
    user = request.user
    device = two_factor.device_get_confirmed(user)
    if device is None or user.is_verified():
        request.session.pop(two_factor.PENDING_SESSION_KEY, None)
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if two_factor.session_locked_out(request, user):
            logout(request)
            return redirect("login")
        if form.is_valid() and device.verify_token(form.cleaned_data["code"]):
            two_factor.session_verified(request, device)
            return redirect(_next_url(request))
        if two_factor.code_refused(request, user):
            logout(request)
            return redirect("login")
        if form.is_valid():
            form.add_error("code", gettext("That code is not valid. Try the code your app shows now."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})
