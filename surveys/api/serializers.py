"""Shapes of the survey API: what the link shows, and the one answer."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tickets.lifecycle import Status

from ..models import Outcome, Survey


class SurveyOutputSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="ticket.reference", read_only=True)
    subject = serializers.CharField(source="ticket.subject", read_only=True)
    answered = serializers.SerializerMethodField(help_text=_("Whether this round has been answered."))
    open = serializers.SerializerMethodField(help_text=_("Whether an answer is still accepted."))
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)

    class Meta:
        model = Survey
        fields = ["round", "reference", "subject", "answered", "open", "outcome", "outcome_label", "answered_at"]
        read_only_fields = fields

    def get_answered(self, survey: Survey) -> bool:
        return survey.answered_at is not None

    def get_open(self, survey: Survey) -> bool:
        return survey.outcome == Outcome.PENDING and survey.ticket.status == Status.RESOLVED


class SurveyAnswerInputSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5, help_text=_("1 (very unhappy) to 5 (very happy)."))
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
