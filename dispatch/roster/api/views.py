"""Engineer profiles and the duty roster (/api/v1/engineers/, /api/v1/duty-shifts/)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.response import Response

from core.params import BIGINT_MAX, query_datetime, query_int
from dispatch.api.common import ERROR_403, ERROR_404, DispatchAPIMixin, doc, staff_only
from dispatch.roster import selectors
from dispatch.roster import services as roster
from dispatch.roster.models import DutyShift, EngineerProfile

from . import serializers as s


@extend_schema_view(
    list=extend_schema(summary="Engineer profiles (staff)", tags=["engineers"]),
    retrieve=extend_schema(summary="One engineer's profile", tags=["engineers"]),
)
class EngineerProfileViewSet(
    DispatchAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Engineers' skills, regions, certificates and load limits. Looked up by the engineer's user id."""

    queryset = EngineerProfile.objects.all()
    serializer_class = s.EngineerProfileOutputSerializer
    lookup_field = "user_id"
    lookup_url_kwarg = "user_id"

    def get_queryset(self):
        staff_only(self.request.user)
        return selectors.engineer_profile_list().prefetch_related("user__certifications")

    @doc(
        "Create or change an engineer's profile (managers)",
        s.EngineerProfileInputSerializer,
        s.EngineerProfileOutputSerializer,
        tags=("engineers",),
    )
    def partial_update(self, request, user_id=None):
        from accounts.models import User

        staff_only(request.user)
        engineer = get_object_or_404(User, pk=user_id)
        data = self._input(s.EngineerProfileInputSerializer)
        profile = roster.engineer_profile_save(engineer=engineer, actor=request.user, **data)
        return self._out(s.EngineerProfileOutputSerializer, profile)


@extend_schema_view(
    list=extend_schema(
        summary="The duty roster (shifts overlapping [from, to), default the next 7 days)",
        tags=["roster"],
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATETIME),
            OpenApiParameter("to", OpenApiTypes.DATETIME),
        ],
    ),
    retrieve=extend_schema(summary="One shift", tags=["roster"]),
)
class DutyShiftViewSet(
    DispatchAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The 7×24 duty roster: who is on duty when, and their on-call phone."""

    queryset = DutyShift.objects.all()
    serializer_class = s.DutyShiftOutputSerializer
    # No PUT or DELETE anywhere in the API (tests/test_schema.py): a shift is removed with POST …/remove/.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        staff_only(self.request.user)
        if self.action != "list":
            return DutyShift.objects.select_related("engineer")
        params = self.request.query_params
        start = query_datetime(params, "from") or timezone.now()
        end = query_datetime(params, "to")
        if end is None:
            try:
                end = start + timezone.timedelta(days=7)
            except OverflowError:  # a week after the end of the calendar
                raise DrfValidationError({"from": [gettext("Give an earlier date and time.")]}) from None
        return selectors.duty_list_between(start=start, end=end)

    @extend_schema(
        summary="Who is on duty now",
        tags=["roster"],
        parameters=[OpenApiParameter("department", {"type": "integer", "minimum": 1, "maximum": BIGINT_MAX})],
        responses={200: s.DutyShiftOutputSerializer(many=True)},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def now(self, request):
        staff_only(request.user)
        department_id = query_int(request.query_params, "department")
        shifts = selectors.duty_list_now(department_id=department_id)
        return Response(s.DutyShiftOutputSerializer(shifts, many=True).data)

    @doc(
        "Put an engineer on duty (managers)",
        s.DutyShiftInputSerializer,
        s.DutyShiftOutputSerializer,
        code=201,
        tags=("roster",),
    )
    def create(self, request):
        shift = roster.duty_shift_create(actor=request.user, **self._input(s.DutyShiftInputSerializer))
        return self._out(s.DutyShiftOutputSerializer, shift, status.HTTP_201_CREATED)

    @doc("Change a shift (managers)", s.DutyShiftInputSerializer, s.DutyShiftOutputSerializer, tags=("roster",))
    def partial_update(self, request, pk=None):
        shift = self.get_object()
        serializer = s.DutyShiftInputSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        shift = roster.duty_shift_update(shift_id=shift.pk, actor=request.user, **serializer.validated_data)
        return self._out(s.DutyShiftOutputSerializer, shift)

    @extend_schema(
        summary="Remove a shift (managers)",
        tags=["roster"],
        request=None,
        responses={204: None, 403: ERROR_403, 404: ERROR_404},
    )
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        roster.duty_shift_delete(shift_id=self.get_object().pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
