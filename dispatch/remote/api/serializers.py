"""Remote sessions, solution plans and command logs in the API."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from dispatch.api.common import UserRefSerializer, VisibleRowField, VisibleTicketField, absolute
from dispatch.remote.models import CommandLog, RemoteSession, SolutionPlan


class RemoteSessionOutputSerializer(serializers.ModelSerializer):
    requested_by = UserRefSerializer(allow_null=True, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    approval_in_force = serializers.SerializerMethodField()
    has_approval_document = serializers.SerializerMethodField()

    class Meta:
        model = RemoteSession
        fields = [
            "id",
            "ticket",
            "requested_by",
            "purpose",
            "target_system",
            "window_start",
            "window_end",
            "status",
            "status_label",
            "approval_channel",
            "approver_name",
            "approved_at",
            "approval_expires_at",
            "approval_in_force",
            "has_approval_document",
            "refusal_reason",
            "started_at",
            "ended_at",
            "created_at",
        ]

    def get_approval_in_force(self, session) -> bool:
        return session.approval_in_force()

    def get_has_approval_document(self, session) -> bool:
        return bool(session.approval_document)


class RemoteSessionCreateSerializer(serializers.Serializer):
    ticket = VisibleTicketField()
    purpose = serializers.CharField()
    target_system = serializers.CharField(max_length=200)
    window_start = serializers.DateTimeField()
    window_end = serializers.DateTimeField()


class RecordApprovalInputSerializer(serializers.Serializer):
    approver_name = serializers.CharField(max_length=100)
    document = serializers.FileField()
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class LinkDecisionInputSerializer(serializers.Serializer):
    token = serializers.CharField()
    approve = serializers.BooleanField()
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class SolutionPlanOutputSerializer(serializers.ModelSerializer):
    written_by = UserRefSerializer(allow_null=True, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = SolutionPlan
        fields = [
            "id",
            "ticket",
            "session",
            "body",
            "written_by",
            "status",
            "status_label",
            "decided_name",
            "decided_at",
            "decision_note",
            "carried_out_at",
            "created_at",
        ]


class SolutionPlanCreateSerializer(serializers.Serializer):
    ticket = VisibleTicketField()
    body = serializers.CharField()
    session = VisibleRowField(RemoteSession, required=False, allow_null=True)


class CommandLogOutputSerializer(serializers.ModelSerializer):
    uploaded_by = UserRefSerializer(allow_null=True, read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = CommandLog
        fields = ["id", "ticket", "session", "filename", "size", "sha256", "uploaded_by", "created_at", "download_url"]

    def get_download_url(self, log) -> str:
        return absolute(self, reverse("api:command-log-download", args=[log.pk]))


class CommandLogCreateSerializer(serializers.Serializer):
    ticket = VisibleTicketField()
    session = VisibleRowField(RemoteSession, required=False, allow_null=True)
    file = serializers.FileField(required=False, help_text="The log as a file, or…")
    text = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False, help_text="…pasted."
    )

    def validate(self, attrs):
        if bool(attrs.get("file")) == bool(attrs.get("text")):
            raise serializers.ValidationError({"file": ["Upload the log as a file or paste it as text, not both."]})
        return attrs
