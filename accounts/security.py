"""Login protection and the security audit log.

Password guessing is stopped by django-axes (failures counted per account and per address, with a
cool-off; ``accounts.backends.LockoutBackend``) plus a counter of attempts in flight, so parallel
guesses cannot all be evaluated before the first failure is recorded. A locked account gets exactly
the answer a wrong password gets: no oracle.

Other code records a security event with :func:`security_event_record`.
"""

import hashlib
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from .models import SecurityEvent, SecurityEventKind

log = logging.getLogger("accounts.security")

# Keys whose values never go into the audit log, wherever they appear in ``detail``.
SECRET_KEYS = ("password", "token", "secret", "key", "otp", "authorization", "cookie", "session")


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or, behind ``LOGIN_TRUSTED_PROXIES`` reverse proxies, the
    address the nearest untrusted hop gave (counted from the right of X-Forwarded-For, which a client
    cannot forge past the proxies it goes through)."""
    if request is None:
        return None
    meta = request.META
    proxies = settings.LOGIN_TRUSTED_PROXIES
    if proxies > 0:
        hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return meta.get("REMOTE_ADDR") or None


def _scrub(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            str(k): "********" if any(s in str(k).lower() for s in SECRET_KEYS) else _scrub(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def security_event_record(
    kind: SecurityEventKind | str,
    actor: Any = None,
    request: HttpRequest | None = None,
    detail: Mapping[str, Any] | None = None,
    *,
    username: str = "",
) -> SecurityEvent:
    """Write one line of the security audit log (and the application log).

    ``actor`` is the user who acted (None or an anonymous user for a failed login); ``request``
    gives the address, user agent and path; ``detail`` is a small JSON-able mapping (what changed,
    why refused). Values under secret-looking keys (password, token, secret, key, …) are masked.
    """
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    username = username or (user.get_username() if user is not None else "")
    meta = request.META if request is not None else {}
    event = SecurityEvent.objects.create(
        kind=str(kind),
        user=user,
        username=username[:150],
        ip_address=client_ip(request),
        user_agent=str(meta.get("HTTP_USER_AGENT", ""))[:255],
        path=(request.path if request is not None else "")[:255],
        detail=_scrub(dict(detail or {})),
    )
    log.info("security event %s user=%s ip=%s path=%s", event.kind, username, event.ip_address, event.path)
    return event


# Attempts in flight. axes counts failures once they are recorded; eleven guesses sent at once
# would all pass its check before the first is recorded. Each attempt claims a slot in the cache
# (an atomic increment, shared by all processes through Redis) before the password is checked; a
# success gives its slot back. More claims than the limit within the cool-off: refused as locked.


def _attempt_keys(request: HttpRequest, username: str | None) -> list[str]:
    keys = []
    if username:
        keys.append("login-attempts:user:" + hashlib.sha256(username.encode()).hexdigest())
    ip = client_ip(request)
    if ip:
        keys.append("login-attempts:ip:" + ip)
    return keys


def login_attempt_claim(request: HttpRequest, username: str | None) -> bool:
    """Claim a slot for one password check; False when the account or the address has no slot left."""
    timeout = int(settings.AXES_COOLOFF_TIME.total_seconds())
    allowed = True
    for key in _attempt_keys(request, username):
        cache.add(key, 0, timeout=timeout)
        try:
            claimed = cache.incr(key)
        except ValueError:  # expired between add and incr: a fresh window
            cache.set(key, 1, timeout=timeout)
            claimed = 1
        if claimed > settings.AXES_FAILURE_LIMIT:
            allowed = False
    return allowed


def login_attempt_release(request: HttpRequest, username: str | None) -> None:
    """A successful login gives its slot back: only failures (and guesses in flight) count."""
    for key in _attempt_keys(request, username):
        try:
            cache.decr(key)
        except ValueError:
            pass


def login_attempts_forget(username: str | None, ip_address: str | None) -> None:
    """Clear the in-flight counters when an administrator unlocks (axes' admin or ``axes_reset``)."""
    keys = []
    if username:
        keys.append("login-attempts:user:" + hashlib.sha256(username.encode()).hexdigest())
    if ip_address:
        keys.append("login-attempts:ip:" + ip_address)
    cache.delete_many(keys)


def lockout_response(request: HttpRequest, original_response: HttpResponse, credentials: dict | None) -> HttpResponse:
    """axes' lockout answer (``AXES_LOCKOUT_CALLABLE``): the page or API answer a wrong password gets,
    unchanged. A 429 or a Retry-After would tell a guesser that the account exists and is locked."""
    return original_response
