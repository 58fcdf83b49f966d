import zoneinfo

from django.utils import timezone, translation
from rest_framework.authentication import TokenAuthentication


class TokenWithOrganisationAuthentication(TokenAuthentication):
    """DRF's token authentication, reading the user's organisation in the same query: every
    customer request needs it (the access rule), so it is not fetched again later.

    A token request is authenticated after the middleware ran, so the user's saved language and
    time zone (accounts.middleware) are applied here, for the API's messages and times.
    """

    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = model.objects.select_related("user__organisation").get(key=key)
        except model.DoesNotExist:
            return super().authenticate_credentials(key)  # DRF's own error message
        if not token.user.is_active:
            return super().authenticate_credentials(key)
        if token.user.language:
            translation.activate(token.user.language)
        if token.user.time_zone:
            timezone.activate(zoneinfo.ZoneInfo(token.user.time_zone))
        return (token.user, token)
