from rest_framework.authentication import TokenAuthentication


class TokenWithOrganisationAuthentication(TokenAuthentication):
    """DRF's token authentication, reading the user's organisation in the same query: every
    customer request needs it (the access rule), so it is not fetched again later."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = model.objects.select_related("user__organisation").get(key=key)
        except model.DoesNotExist:
            return super().authenticate_credentials(key)  # DRF's own error message
        if not token.user.is_active:
            return super().authenticate_credentials(key)
        return (token.user, token)
