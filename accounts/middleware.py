import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils import timezone, translation

from .models import SecurityEventKind
from .security import security_event_record
from .two_factor import two_factor_step


class UserPreferencesMiddleware:
    """Apply the logged-in user's saved language and time zone.

    Runs after LocaleMiddleware, so a saved preference wins over the browser's
    Accept-Language; people without one get the browser's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
            if user.time_zone:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class PermissionRefusedMiddleware:
    """Record every 403 in the security audit log: pages (PermissionDenied, a failed CSRF check) and the
    API alike. It reads the response status, so neither the views nor ``core.api`` need to know about
    the log; DRF sets the authenticated user on the request, so token users are named too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            user = getattr(request, "user", None)
            security_event_record(SecurityEventKind.PERMISSION_DENIED, user, request, {"method": request.method})
        return response


class TwoFactorMiddleware:
    """A session that still owes a code (or, for administrators when required, an enrolment) does not
    count as logged in: pages send the person to the step they owe, with ``next`` kept; the API treats
    the session as anonymous (token authentication is unchanged). Runs after django-otp's OTPMiddleware.

    The step pages themselves, logout, the language switch, the login page (to switch accounts) and
    static files stay reachable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = two_factor_step(request)
        if step is not None and not self._exempt(request, step):
            if request.path.startswith("/api/"):
                request.user = AnonymousUser()
            else:
                url = reverse("two-factor-verify" if step == "verify" else "two-factor")
                return redirect_to_login(request.get_full_path(), url)
        return self.get_response(request)

    @staticmethod
    def _exempt(request, step: str) -> bool:
        path = request.path
        open_paths = {reverse("logout"), reverse("login"), reverse("set_language"), reverse("two-factor-verify")}
        if step == "enrol":
            open_paths.add(reverse("two-factor"))
        return path in open_paths or path.startswith(settings.STATIC_URL)
