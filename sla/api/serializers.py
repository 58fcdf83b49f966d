from django.utils import timezone
from rest_framework import serializers

from ..models import SlaClock
from ..selectors import time_left


class ClockOutputSerializer(serializers.ModelSerializer):
    ticket = serializers.CharField(source="ticket.reference", read_only=True)
    target = serializers.CharField(source="kind", read_only=True)
    target_display = serializers.CharField(source="get_kind_display", read_only=True)
    seconds_left = serializers.SerializerMethodField(help_text="Negative when overdue; frozen while paused.")

    class Meta:
        model = SlaClock
        fields = [
            "id",
            "ticket",
            "target",
            "target_display",
            "state",
            "started_at",
            "deadline",
            "seconds_left",
            "provisional",
            "paused_at",
            "paused_total",
            "warning_level",
            "breached_at",
            "stopped_at",
        ]
        read_only_fields = fields

    def get_seconds_left(self, clock: SlaClock) -> int | None:
        if not clock.is_open:
            return None
        return int(time_left(clock, timezone.now()).total_seconds())


class ComplianceQuerySerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    by = serializers.ChoiceField(choices=["engineer", "organisation", "product", "priority"], required=False)


class ComplianceRowSerializer(serializers.Serializer):
    target = serializers.CharField()
    group = serializers.CharField(allow_null=True)
    total = serializers.IntegerField()
    met = serializers.IntegerField()
    percent_met = serializers.FloatField()
    median_seconds = serializers.FloatField()
    p90_seconds = serializers.FloatField()
