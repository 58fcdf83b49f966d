from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .security import login_attempt_claim, login_attempt_release


class LockoutBackend(AxesStandaloneBackend, ModelBackend):
    """Username and password, refused while the account or the address is locked out (django-axes).

    Every login path (the login page, the admin's, the API token endpoint) calls ``authenticate()``
    with the request, so all three count failures and honour the lock. A refusal raises
    ``PermissionDenied``, which stops the chain of backends; Django then answers as for a wrong
    password and sends ``user_login_failed`` (axes counts it; the audit log records it).

    A wrong password also stops the chain here (``ModelBackend`` stays in AUTHENTICATION_BACKENDS
    only so sessions opened before this backend existed stay valid), so it is hashed once.
    """

    def authenticate(self, request: HttpRequest | None, username=None, password=None, **kwargs):  # type: ignore[override]
        if not settings.AXES_ENABLED:
            return ModelBackend.authenticate(self, request, username=username, password=password, **kwargs)
        if username is None:
            username = kwargs.get(settings.AXES_USERNAME_FORM_FIELD)
        try:
            super().authenticate(request, username=username, password=password, **kwargs)  # raises when locked
            if request is not None and not login_attempt_claim(request, username):
                raise AxesBackendPermissionDenied("too many login attempts in flight")
        except PermissionDenied:
            # Spend the time a password check takes, so a locked account answers as slowly as a wrong password.
            make_password(password)
            raise
        user = ModelBackend.authenticate(self, request, username=username, password=password, **kwargs)
        if user is None:
            raise PermissionDenied  # a wrong password: stop here, counted once by user_login_failed
        if request is not None:
            login_attempt_release(request, username)
        return user
