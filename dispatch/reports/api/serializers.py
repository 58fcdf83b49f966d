"""The fault-handling report and the fault database in the API."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from dispatch.api.common import VisibleTicketField, absolute
from dispatch.reports.models import FaultReport


class FaultReportOutputSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="ticket.reference", read_only=True)
    product_name = serializers.CharField(source="product.name", default="", read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = FaultReport
        fields = [
            "id",
            "ticket",
            "reference",
            "product",
            "product_name",
            "symptom",
            "cause",
            "actions_taken",
            "prevention",
            "service_restored_at",
            "root_cause_fixed_at",
            "created_at",
            "updated_at",
            "pdf_url",
        ]

    def get_pdf_url(self, report) -> str:
        return absolute(self, reverse("api:fault-report-pdf", args=[report.pk]))


class FaultReportInputSerializer(serializers.Serializer):
    ticket = VisibleTicketField()
    symptom = serializers.CharField()
    cause = serializers.CharField()
    actions_taken = serializers.CharField()
    prevention = serializers.CharField(required=False, allow_blank=True, default="")
    service_restored_at = serializers.DateTimeField(required=False, allow_null=True)
    root_cause_fixed_at = serializers.DateTimeField(required=False, allow_null=True)
