"""On-site support (/api/v1/visits/, /api/v1/major-operations/, /api/v1/parts/, /api/v1/service-applications/)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from dispatch.api.common import (
    ERROR_403,
    ERROR_404,
    PDF,
    TICKET_PARAM,
    DispatchAPIMixin,
    LinkSerializer,
    doc,
    staff_only,
    stored_file,
)
from dispatch.onsite import services as onsite
from dispatch.onsite.models import MajorOperation, PartLine, ServiceApplication, Visit

from . import serializers as s


@extend_schema_view(
    list=extend_schema(summary="On-site visits", tags=["visits"], parameters=[TICKET_PARAM]),
    retrieve=extend_schema(summary="One visit", tags=["visits"]),
)
class VisitViewSet(DispatchAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Visit.objects.all()
    serializer_class = s.VisitOutputSerializer
    related = ("engineer",)

    @doc(
        "Decide on a visit (starts the on-site clock)",
        s.VisitCreateSerializer,
        s.VisitOutputSerializer,
        code=201,
        tags=("visits",),
    )
    def create(self, request):
        data = self._input(s.VisitCreateSerializer)
        visit = onsite.visit_decide(
            ticket_id=data["ticket"].pk,
            actor=request.user,
            reason=data["reason"],
            engineer=data.get("engineer"),
            planned_at=data.get("planned_at"),
        )
        return self._out(s.VisitOutputSerializer, visit, status.HTTP_201_CREATED)

    @doc("Plan the visit's time", s.PlannedInputSerializer, s.VisitOutputSerializer, tags=("visits",))
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        visit = self.get_object()
        planned = self._input(s.PlannedInputSerializer)["planned_at"]
        return self._out(
            s.VisitOutputSerializer, onsite.visit_plan(visit_id=visit.pk, actor=request.user, planned_at=planned)
        )

    @doc("Leave for the site", None, s.VisitOutputSerializer, tags=("visits",))
    @action(detail=True, methods=["post"])
    def depart(self, request, pk=None):
        return self._out(
            s.VisitOutputSerializer, onsite.visit_depart(visit_id=self.get_object().pk, actor=request.user)
        )

    @doc(
        "Check in on site, with the location if allowed (stops the on-site clock)",
        s.ArriveInputSerializer,
        s.VisitOutputSerializer,
        tags=("visits",),
    )
    @action(detail=True, methods=["post"])
    def arrive(self, request, pk=None):
        visit = self.get_object()
        data = self._input(s.ArriveInputSerializer)
        visit = onsite.visit_arrive(
            visit_id=visit.pk,
            actor=request.user,
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            accuracy_m=data.get("accuracy_m"),
        )
        return self._out(s.VisitOutputSerializer, visit)

    @doc("Record when service was restored", s.MomentInputSerializer, s.VisitOutputSerializer, tags=("visits",))
    @action(detail=True, methods=["post"])
    def restored(self, request, pk=None):
        visit = self.get_object()
        at = self._input(s.MomentInputSerializer).get("at")
        return self._out(
            s.VisitOutputSerializer, onsite.visit_record_restored(visit_id=visit.pk, actor=request.user, at=at)
        )

    @doc("Record when the root cause was fixed", s.MomentInputSerializer, s.VisitOutputSerializer, tags=("visits",))
    @action(detail=True, methods=["post"])
    def fixed(self, request, pk=None):
        visit = self.get_object()
        at = self._input(s.MomentInputSerializer).get("at")
        return self._out(
            s.VisitOutputSerializer, onsite.visit_record_fixed(visit_id=visit.pk, actor=request.user, at=at)
        )

    @doc("Finish the visit with its record", s.FinishInputSerializer, s.VisitOutputSerializer, tags=("visits",))
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        visit = self.get_object()
        summary = self._input(s.FinishInputSerializer)["summary"]
        return self._out(
            s.VisitOutputSerializer, onsite.visit_finish(visit_id=visit.pk, actor=request.user, summary=summary)
        )


@extend_schema_view(
    list=extend_schema(
        summary="Major operations (reinstall, reboot, data restore)", tags=["visits"], parameters=[TICKET_PARAM]
    ),
    retrieve=extend_schema(summary="One major operation", tags=["visits"]),
)
class MajorOperationViewSet(
    DispatchAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = MajorOperation.objects.all()
    serializer_class = s.MajorOperationOutputSerializer
    ticket_path = "visit__ticket"
    related = ("visit",)

    @doc(
        "Ask the customer's approval for a major operation",
        s.MajorOperationCreateSerializer,
        s.MajorOperationOutputSerializer,
        code=201,
        tags=("visits",),
    )
    def create(self, request):
        data = self._input(s.MajorOperationCreateSerializer)
        operation = onsite.major_operation_request(
            visit_id=data["visit"].pk, actor=request.user, kind=data["kind"], description=data["description"]
        )
        return self._out(s.MajorOperationOutputSerializer, operation, status.HTTP_201_CREATED)

    @doc(
        "Approve (the customer contact) or record who approved (staff)",
        s.ApproverInputSerializer,
        s.MajorOperationOutputSerializer,
        tags=("visits",),
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        operation = self.get_object()
        name = self._input(s.ApproverInputSerializer)["approver_name"]
        return self._out(
            s.MajorOperationOutputSerializer,
            onsite.major_operation_approve(operation_id=operation.pk, actor=request.user, approver_name=name),
        )

    @doc(
        "Mark done: refused (403) without the customer's recorded approval",
        None,
        s.MajorOperationOutputSerializer,
        tags=("visits",),
    )
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        return self._out(
            s.MajorOperationOutputSerializer,
            onsite.major_operation_done(operation_id=self.get_object().pk, actor=request.user),
        )


@extend_schema_view(
    list=extend_schema(
        summary="Parts used (free in warranty, charged outside)", tags=["visits"], parameters=[TICKET_PARAM]
    ),
    retrieve=extend_schema(summary="One part line", tags=["visits"]),
)
class PartLineViewSet(DispatchAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = PartLine.objects.all()
    serializer_class = s.PartLineOutputSerializer

    @doc("Record a part used", s.PartLineCreateSerializer, s.PartLineOutputSerializer, code=201, tags=("visits",))
    def create(self, request):
        data = self._input(s.PartLineCreateSerializer)
        line = onsite.part_add(
            ticket_id=data["ticket"].pk,
            actor=request.user,
            description=data["description"],
            quantity=data["quantity"],
            unit_price=data["unit_price"],
            visit=data.get("visit"),
        )
        return self._out(s.PartLineOutputSerializer, line, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Technical-service applications", tags=["visits"], parameters=[TICKET_PARAM]),
    retrieve=extend_schema(summary="One application", tags=["visits"]),
)
class ServiceApplicationViewSet(
    DispatchAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = ServiceApplication.objects.all()
    serializer_class = s.ServiceApplicationOutputSerializer

    @doc(
        "Prepare the application for a visit",
        s.ServiceApplicationCreateSerializer,
        s.ServiceApplicationOutputSerializer,
        code=201,
        tags=("visits",),
    )
    def create(self, request):
        data = self._input(s.ServiceApplicationCreateSerializer)
        application = onsite.service_application_prepare(
            visit_id=data["visit"].pk, actor=request.user, work_description=data["work_description"]
        )
        return self._out(s.ServiceApplicationOutputSerializer, application, status.HTTP_201_CREATED)

    @doc(
        "Sign on the engineer's device: a drawn signature as a PNG data URL",
        s.SignInputSerializer,
        s.ServiceApplicationOutputSerializer,
        tags=("visits",),
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        application = self.get_object()
        data = self._input(s.SignInputSerializer)
        application = onsite.service_application_sign(
            application_id=application.pk,
            actor=request.user,
            signer_name=data["signer_name"],
            data_url=data["signature"],
        )
        return self._out(s.ServiceApplicationOutputSerializer, application)

    @extend_schema(
        summary="The signing link for the responsible person (staff; show it as a QR code)",
        tags=["visits"],
        responses={200: LinkSerializer, 403: ERROR_403, 404: ERROR_404},
    )
    @action(detail=True, methods=["get"], url_path="signing-link")
    def signing_link(self, request, pk=None):
        application = self.get_object()
        staff_only(request.user)
        token = onsite.service_application_token(application)
        url = request.build_absolute_uri(reverse("api:service-application-sign-by-link")) + f"?token={token}"
        return Response({"token": token, "url": url})

    @doc(
        "Sign through the signing link's token (no login)",
        s.SignByLinkInputSerializer,
        s.ServiceApplicationOutputSerializer,
        tags=("visits",),
        auth=[],
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="sign-by-link",
        permission_classes=[AllowAny],
        throttle_classes=[AnonRateThrottle],
    )
    def sign_by_link(self, request):
        data = self._input(s.SignByLinkInputSerializer)
        application = onsite.service_application_sign_by_link(
            token=data["token"], signer_name=data["signer_name"], data_url=data["signature"]
        )
        return Response(s.ServiceApplicationOutputSerializer(application, context=self.get_serializer_context()).data)

    @extend_schema(summary="The signed application (PDF)", tags=["visits"], responses=PDF)
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        application = self.get_object()
        return stored_file(
            application.pdf, f"{application.ticket.reference}-service-application.pdf", "application/pdf"
        )
