import zoneinfo

from django.utils import timezone, translation

from .models import SecurityEventKind
from .security import security_event_record


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
