"""The fault-handling report and the fault database (/api/v1/fault-reports/)."""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action

from core.params import BIGINT_MAX, query_int
from dispatch.api.common import PDF, DispatchAPIMixin, doc, stored_file
from dispatch.reports import selectors
from dispatch.reports import services as reports
from dispatch.reports.models import FaultReport

from . import serializers as s


@extend_schema_view(
    list=extend_schema(
        summary="The fault database: reports of resolved cases, searchable",
        tags=["reports"],
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Symptom, cause or what was done."),
            OpenApiParameter("product", {"type": "integer", "minimum": 1, "maximum": BIGINT_MAX}),
            OpenApiParameter("product_line", OpenApiTypes.STR),
            OpenApiParameter("symptom", OpenApiTypes.STR),
            OpenApiParameter("cause", OpenApiTypes.STR),
        ],
    ),
    retrieve=extend_schema(
        summary="One case's fault-handling report (also before the case is resolved)", tags=["reports"]
    ),
)
class FaultReportViewSet(DispatchAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = FaultReport.objects.all()
    serializer_class = s.FaultReportOutputSerializer
    related = ("ticket", "product")

    def get_queryset(self):
        if self.action != "list":
            return super().get_queryset()
        params = self.request.query_params
        return selectors.fault_report_search(
            self.request.user,
            q=params.get("q", ""),
            product_id=query_int(params, "product", message=gettext("Give a product id.")),
            product_line=params.get("product_line", ""),
            symptom=params.get("symptom", ""),
            cause=params.get("cause", ""),
        )

    @doc(
        "Write or rewrite the case's report; the PDF is generated and kept",
        s.FaultReportInputSerializer,
        s.FaultReportOutputSerializer,
        code=201,
        tags=("reports",),
    )
    def create(self, request):
        data = self._input(s.FaultReportInputSerializer)
        ticket = data.pop("ticket")
        report = reports.fault_report_write(ticket_id=ticket.pk, actor=request.user, **data)
        return self._out(s.FaultReportOutputSerializer, report, status.HTTP_201_CREATED)

    @extend_schema(summary="The report as PDF (the customer may download it)", tags=["reports"], responses=PDF)
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        report = self.get_object()
        return stored_file(report.pdf, f"{report.ticket.reference}-fault-report.pdf", "application/pdf")
