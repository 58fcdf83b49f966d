"""The REST API, version 1 (mounted at /api/v1/). The schema is at /api/schema/, the docs at /api/docs/."""

from django.urls import path
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.throttling import AnonRateThrottle

from accounts.models import SecurityEventKind
from accounts.security import security_event_record
from customers.api.views import ContactViewSet, DeviceViewSet, OrganisationViewSet, ProductViewSet
from dispatch.api.urls import ROUTES as DISPATCH_ROUTES
from surveys.api.views import SurveyViewSet
from tickets.api.views import TicketViewSet


class TokenView(ObtainAuthToken):
    """POST a username and password, get the API token to send as ``Authorization: Token <key>``."""

    # DRF leaves this view unthrottled; password guessing is throttled like any anonymous request.
    # The password check itself refuses locked-out accounts and addresses (accounts.backends.LockoutBackend).
    throttle_classes = [AnonRateThrottle]

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        # No session login happens here, so Django sends no user_logged_in: the audit log is told directly.
        security_event_record(SecurityEventKind.LOGIN, user, request, {"via": "api-token"})
        return Response({"token": token.key})


router = SimpleRouter()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("contacts", ContactViewSet, basename="contact")
router.register("products", ProductViewSet, basename="product")
router.register("devices", DeviceViewSet, basename="device")
router.register("surveys", SurveyViewSet, basename="survey")
for prefix, viewset, basename in DISPATCH_ROUTES:
    router.register(prefix, viewset, basename=basename)

app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    *router.urls,
]
