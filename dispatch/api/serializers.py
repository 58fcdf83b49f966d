"""Input and output shapes of the dispatch API. Inputs validate and resolve ids (scoped to what the
user may see); the writes happen in ``dispatch.services``."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from customers.models import Organisation
from tickets.access import tickets_visible_to
from tickets.models import Department, Ticket
from tickets.selectors import engineer_list

from ..models import (
    CaseDispatch,
    CommandLog,
    DutyKind,
    DutyShift,
    EngineerProfile,
    Escalation,
    FaultReport,
    MajorOperation,
    OperationKind,
    PartLine,
    RemoteSession,
    ServiceApplication,
    SolutionPlan,
    Tier,
    Visit,
)


def inline_choice(choices, *, type_: str = "string", **kwargs) -> serializers.ChoiceField:
    """A choice field documented with its enum inline: the schema's shared enum names (``kind``,
    ``tier``) belong to other apps' fields, and inline enums cannot collide with them."""
    schema = {"type": type_, "enum": [value for value, _ in choices]}
    field_class = extend_schema_field(schema)(type("InlineChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


def _user(serializer) -> User:
    return serializer.context["request"].user


class VisibleTicketField(serializers.PrimaryKeyRelatedField):
    """A case id the user may see (the one access rule); any other id is "does not exist"."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Ticket.objects.all(), **kwargs)

    def get_queryset(self):
        return tickets_visible_to(_user(self.parent))


class VisibleRowField(serializers.PrimaryKeyRelatedField):
    """An id of a row hanging off a case the user may see (visit, remote session): others do not exist."""

    def __init__(self, model, ticket_path: str = "ticket", **kwargs):
        self.model, self.ticket_path = model, ticket_path
        super().__init__(queryset=model.objects.all(), **kwargs)

    def get_queryset(self):
        visible = tickets_visible_to(_user(self.parent)).values("pk")
        return self.model.objects.filter(**{f"{self.ticket_path}__in": visible})


class EngineerField(serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        super().__init__(queryset=User.objects.all(), **kwargs)

    def get_queryset(self):
        return engineer_list().distinct()


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


def _absolute(serializer, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


# --- engineers and roster -------------------------------------------------------------


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


# --- dispatching a case ----------------------------------------------------------------


class SuggestionSerializer(serializers.Serializer):
    engineer = UserRefSerializer()
    dedicated = serializers.BooleanField()
    skill = serializers.BooleanField()
    region = serializers.BooleanField()
    on_duty = serializers.BooleanField()
    on_call_phone = serializers.CharField()
    load = serializers.IntegerField()
    max_open_cases = serializers.IntegerField()
    at_capacity = serializers.BooleanField()
    eligible = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())


class CaseDispatchOutputSerializer(serializers.ModelSerializer):
    tier = serializers.IntegerField(read_only=True)
    ticket = serializers.IntegerField(source="ticket_id", read_only=True)
    awaiting = UserRefSerializer(allow_null=True, read_only=True)
    tier_label = serializers.CharField(source="get_tier_display", read_only=True)

    class Meta:
        model = CaseDispatch
        fields = [
            "ticket",
            "tier",
            "tier_label",
            "awaiting",
            "accept_due_at",
            "redispatch_count",
            "chase_count",
            "last_chased_at",
        ]


class DispatchAssignInputSerializer(serializers.Serializer):
    engineer = EngineerField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    expected_assignee = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The engineer you saw on the case (null: unassigned). If someone assigned it meanwhile, "
        "the answer is 409 and nothing changes. Omitted: the case as it is now.",
    )


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class OptionalNoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EscalateInputSerializer(serializers.Serializer):
    reason = serializers.CharField()
    to_tier = inline_choice(Tier.choices, type_="integer", required=False, allow_null=True)
    engineer = EngineerField(required=False, allow_null=True)


class SolutionInputSerializer(serializers.Serializer):
    solution = serializers.CharField()


class EscalationOutputSerializer(serializers.ModelSerializer):
    from_tier = serializers.IntegerField(read_only=True)
    to_tier = serializers.IntegerField(read_only=True)
    escalated_by = UserRefSerializer(allow_null=True, read_only=True)
    solution_by = UserRefSerializer(allow_null=True, read_only=True)

    class Meta:
        model = Escalation
        fields = [
            "id",
            "ticket",
            "from_tier",
            "to_tier",
            "escalated_by",
            "reason",
            "created_at",
            "solution",
            "solution_by",
            "solution_given_at",
        ]


class PoolCaseSerializer(serializers.ModelSerializer):
    product_line = serializers.CharField(source="device.product.product_line", default="", read_only=True)

    class Meta:
        model = Ticket
        fields = ["id", "reference", "subject", "priority", "category", "created_at", "product_line"]


# --- remote support -------------------------------------------------------------------


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


class LinkSerializer(serializers.Serializer):
    token = serializers.CharField()
    url = serializers.CharField()


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
        return _absolute(self, reverse("api:command-log-download", args=[log.pk]))


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


# --- on site --------------------------------------------------------------------------


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
        return _absolute(self, reverse("api:service-application-pdf", args=[application.pk]))


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


# --- reports --------------------------------------------------------------------------


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
        return _absolute(self, reverse("api:fault-report-pdf", args=[report.pk]))


class FaultReportInputSerializer(serializers.Serializer):
    ticket = VisibleTicketField()
    symptom = serializers.CharField()
    cause = serializers.CharField()
    actions_taken = serializers.CharField()
    prevention = serializers.CharField(required=False, allow_blank=True, default="")
    service_restored_at = serializers.DateTimeField(required=False, allow_null=True)
    root_cause_fixed_at = serializers.DateTimeField(required=False, allow_null=True)
