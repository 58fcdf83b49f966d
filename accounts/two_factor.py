"""Two-factor login for staff: a TOTP device (django-otp) and the rule that says which step a session owes.

A staff member may enrol one TOTP device. Once it is confirmed, each login owes a code before the
session counts for pages: the password step marks the session (``PENDING_SESSION_KEY``, set by a
``user_logged_in`` receiver), and ``accounts.middleware.TwoFactorMiddleware`` sends the person to the
verify step until django-otp's ``otp_login`` marks the session verified. Marking the session at login
keeps every other request free of a device query.

With ``TWO_FACTOR_REQUIRED_FOR_ADMINS`` on, administrators (superusers or the admin role) without a
device owe an enrolment instead. API tokens are for integrations and are not affected.
"""

from base64 import b32encode
from typing import Any, Literal

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import SecurityEventKind
from .roles import Role
from .security import security_event_record

PENDING_SESSION_KEY = "two_factor_pending"

Step = Literal["verify", "enrol"]


def device_get_confirmed(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def device_get_or_create_unconfirmed(user: Any) -> TOTPDevice:
    """The device being enrolled: one unconfirmed device per user, kept until confirmed, so reloading
    the page shows the same secret as the authenticator app already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device


def device_qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as inline SVG, drawn on the server (nothing fetched from anywhere)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def device_secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an authenticator app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def admin_must_enrol(user: Any) -> bool:
    return bool(settings.TWO_FACTOR_REQUIRED_FOR_ADMINS) and (user.is_superuser or user.has_role(Role.ADMIN))


def two_factor_step(request: HttpRequest) -> Step | None:
    """What the session still owes before it counts for pages: a code, an enrolment, or nothing."""
    user: Any = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if request.session.get(PENDING_SESSION_KEY):
        return "verify"
    if admin_must_enrol(user):
        # Sessions opened before the setting was switched on, or before a device existed, land here too.
        return "verify" if device_get_confirmed(user) is not None else "enrol"
    return None


def session_mark_pending(request: HttpRequest | None, user: Any) -> None:
    """At login: a user with a confirmed device owes a code in this session."""
    if request is None or not hasattr(request, "session"):
        return
    if device_get_confirmed(user) is not None:
        request.session[PENDING_SESSION_KEY] = True


def code_refused(request: HttpRequest, user: Any) -> bool:
    """A wrong code at the verify step is a failed login: Django's ``user_login_failed`` makes axes count
    it (per account and address, as for a wrong password) and the audit log record it. True when the
    account or the address is now locked out."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username(), "step": "two_factor"}, request=request
    )
    return bool(getattr(request, "axes_locked_out", False))


def session_locked_out(request: HttpRequest, user: Any) -> bool:
    """The account or the address is locked out: the code is not even checked."""
    return not AxesProxyHandler.is_allowed(request, {"username": user.get_username()})


def session_verified(request: HttpRequest, device: TOTPDevice) -> None:
    otp_login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)


@transaction.atomic
def device_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Confirm an enrolment with one valid code; the session counts as verified from then on."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One confirmed device per user: any other left over from an earlier enrolment goes.
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    session_verified(request, device)
    security_event_record(SecurityEventKind.TWO_FACTOR_ENABLED, request.user, request)
    return True


@transaction.atomic
def device_remove(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Remove the device, proven by one valid code (a borrowed unlocked session is not enough)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=device.user).delete()
    request.session.pop(PENDING_SESSION_KEY, None)
    security_event_record(SecurityEventKind.TWO_FACTOR_DISABLED, request.user, request)
    return True
