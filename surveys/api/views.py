"""The satisfaction survey by its emailed token: no login, throttled per address."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from ..models import Survey
from ..services import survey_answer
from .serializers import SurveyAnswerInputSerializer, SurveyOutputSerializer

ERROR_404 = OpenApiResponse(OpenApiTypes.OBJECT, description=_("No survey has this token."))
ERROR_400 = OpenApiResponse(
    OpenApiTypes.OBJECT, description=_("Invalid score, or the survey was already answered or is closed.")
)


class SurveyViewSet(viewsets.GenericViewSet):
    """The token is the credential: whoever holds the emailed link may answer it, once."""

    # No session: a signed-in browser must not need a CSRF token to answer its survey.
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AnonRateThrottle]
    serializer_class = SurveyOutputSerializer
    pagination_class = None
    lookup_field = "token"
    lookup_value_regex = r"[A-Za-z0-9_-]{1,64}"

    def get_queryset(self):
        return Survey.objects.select_related("ticket")

    def _get(self, token: str) -> Survey:
        survey = self.get_queryset().filter(token=token).first()
        if survey is None:
            raise NotFound(_("This survey link is not valid."))
        return survey

    @extend_schema(summary="What a survey link is about", responses={200: SurveyOutputSerializer, 404: ERROR_404})
    def retrieve(self, request, token=None):
        return Response(SurveyOutputSerializer(self._get(token)).data)

    @extend_schema(
        summary="Answer a survey (once)",
        request=SurveyAnswerInputSerializer,
        responses={200: SurveyOutputSerializer, 400: ERROR_400, 404: ERROR_404},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, token=None):
        serializer = SurveyAnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            survey_answer(token=token, **serializer.validated_data)
        except Survey.DoesNotExist:
            raise NotFound(_("This survey link is not valid.")) from None
        return Response(SurveyOutputSerializer(self._get(token)).data)
