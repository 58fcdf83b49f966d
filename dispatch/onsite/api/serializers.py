"""Visits, major operations, parts and the technical-service application in the API."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dispatch.api.common import (
    EngineerField,
    UserRefSerializer,
    VisibleRowField,
    VisibleTicketField,
    absolute,
    inline_choice,
)
from dispatch.onsite.models import MajorOperation, OperationKind, PartLine, ServiceApplication, Visit


class VisitOutputSerializer(serializers.ModelSerializer):
    engineer = UserRefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "ticket",
            "engineer",
            "status",
            "status_label",
            "reason",
            "decided_at",
            "planned_at",
            "departed_at",
            "arrived_at",
            "arrival_latitude",
            "arrival_longitude",
            "arrival_accuracy_m",
            "service_restored_at",
            "root_cause_fixed_at",
            "finished_at",
            "summary",
        ]


class VisitCreateSerializer(serializers.Serializer):
    ticket = VisibleTicketField()
    reason = serializers.CharField()
    engineer = EngineerField(required=False, allow_null=True)
    planned_at = serializers.DateTimeField(required=False, allow_null=True)


class PlannedInputSerializer(serializers.Serializer):
    planned_at = serializers.DateTimeField()


class ArriveInputSerializer(serializers.Serializer):
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, allow_null=True
    )
    accuracy_m = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class MomentInputSerializer(serializers.Serializer):
    at = serializers.DateTimeField(required=False, allow_null=True, help_text="Default: now.")


class FinishInputSerializer(serializers.Serializer):
    summary = serializers.CharField()


class MajorOperationOutputSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    ticket = serializers.IntegerField(source="visit.ticket_id", read_only=True)

    class Meta:
        model = MajorOperation
        fields = [
            "id",
            "visit",
            "ticket",
            "kind",
            "kind_label",
            "description",
            "approver_name",
            "approved_at",
            "done_at",
            "created_at",
        ]


class MajorOperationCreateSerializer(serializers.Serializer):
    visit = VisibleRowField(Visit)
    kind = inline_choice(OperationKind.choices)
    description = serializers.CharField()


class ApproverInputSerializer(serializers.Serializer):
    approver_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="Staff: who approved for the customer."
    )


class PartLineOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartLine
        fields = [
            "id",
            "ticket",
            "visit",
            "description",
            "quantity",
            "unit_price",
            "in_warranty",
            "amount_charged",
            "created_at",
        ]


class PartLineCreateSerializer(serializers.Serializer):
    ticket = VisibleTicketField()
    visit = VisibleRowField(Visit, required=False, allow_null=True)
    description = serializers.CharField(max_length=200)
    quantity = serializers.IntegerField(min_value=1, max_value=100000)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)


class ServiceApplicationOutputSerializer(serializers.ModelSerializer):
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = ServiceApplication
        fields = [
            "id",
            "ticket",
            "visit",
            "work_description",
            "signer_name",
            "signed_at",
            "signed_via",
            "created_at",
            "pdf_url",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_pdf_url(self, application) -> str | None:
        if not application.pdf:
            return None
        return absolute(self, reverse("api:service-application-pdf", args=[application.pk]))


class ServiceApplicationCreateSerializer(serializers.Serializer):
    visit = VisibleRowField(Visit)
    work_description = serializers.CharField()


class SignInputSerializer(serializers.Serializer):
    signer_name = serializers.CharField(max_length=100)
    signature = serializers.CharField(
        max_length=1_000_000, help_text="The drawn signature: data:image/png;base64,… (PNG, at most 512 KB)."
    )


class SignByLinkInputSerializer(SignInputSerializer):
    token = serializers.CharField()
