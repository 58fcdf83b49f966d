"""Engineer profiles and the duty roster in the API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.models import Organisation
from dispatch.api.common import EngineerField, UserRefSerializer, inline_choice
from dispatch.roster.models import DutyKind, DutyShift, EngineerProfile
from tickets.models import Department


class RegionSerializer(serializers.Serializer):
    province = serializers.CharField(max_length=50)
    city = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class CertificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    number = serializers.CharField()
    product_line = serializers.CharField()
    covers_patches = serializers.BooleanField()
    valid_until = serializers.DateField(allow_null=True)


class EngineerProfileOutputSerializer(serializers.ModelSerializer):
    engineer = UserRefSerializer(source="user", read_only=True)
    regions = RegionSerializer(many=True, read_only=True)
    product_lines = serializers.ListField(child=serializers.CharField(), read_only=True)
    certifications = serializers.SerializerMethodField()

    class Meta:
        model = EngineerProfile
        fields = ["id", "engineer", "product_lines", "regions", "max_open_cases", "notes", "certifications"]

    @extend_schema_field(CertificationOutputSerializer(many=True))
    def get_certifications(self, profile):
        return CertificationOutputSerializer(profile.user.certifications.all(), many=True).data


class EngineerProfileInputSerializer(serializers.Serializer):
    product_lines = serializers.ListField(child=serializers.CharField(max_length=100), required=False, max_length=50)
    regions = RegionSerializer(many=True, required=False)
    max_open_cases = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class DutyShiftOutputSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    engineer = UserRefSerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    department = serializers.PrimaryKeyRelatedField(read_only=True)
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = DutyShift
        fields = [
            "id",
            "engineer",
            "kind",
            "kind_label",
            "starts_at",
            "ends_at",
            "on_call_phone",
            "department",
            "organisation",
            "note",
        ]


class DutyShiftInputSerializer(serializers.Serializer):
    engineer = EngineerField()
    kind = inline_choice(DutyKind.choices, default=DutyKind.DAY)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    on_call_phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False, allow_null=True)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
