import zoneinfo

from django.utils import timezone, translation


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
