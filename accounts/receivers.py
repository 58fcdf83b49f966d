"""The audit log listens: logins and failures (Django's signals), lockouts and unlocks (axes)."""

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import SecurityEventKind
from .security import login_attempts_forget, security_event_record
from .two_factor import session_mark_pending


@receiver(user_logged_in, dispatch_uid="accounts.security.logged_in")
def record_login(sender, request, user, **kwargs):
    security_event_record(SecurityEventKind.LOGIN, user, request)


@receiver(user_logged_out, dispatch_uid="accounts.security.logged_out")
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        security_event_record(SecurityEventKind.LOGOUT, user, request)


@receiver(user_login_failed, dispatch_uid="accounts.security.login_failed")
def record_login_failure(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in ``credentials``; only the username is kept.
    username = str(credentials.get("username") or "")
    detail = {"step": credentials["step"]} if credentials.get("step") else None  # "two_factor": a wrong code
    security_event_record(SecurityEventKind.LOGIN_FAILED, None, request, detail, username=username)


@receiver(user_logged_in, dispatch_uid="accounts.two_factor.pending")
def two_factor_pending(sender, request, user, **kwargs):
    session_mark_pending(request, user)


@receiver(user_locked_out, dispatch_uid="accounts.security.locked_out")
def record_lockout(sender, request, username, ip_address, **kwargs):
    detail = {"failures": getattr(request, "axes_failures_since_start", None)}
    security_event_record(SecurityEventKind.LOCKOUT, None, request, detail, username=username or "")


@receiver(post_delete, sender=AccessAttempt, dispatch_uid="accounts.security.unlocked")
def forget_attempts(sender, instance, **kwargs):
    """An administrator removed failures (axes' admin, ``manage.py axes_reset``), or they expired:
    the in-flight counters go too, or the account would stay locked until they run out."""
    login_attempts_forget(instance.username, instance.ip_address)
