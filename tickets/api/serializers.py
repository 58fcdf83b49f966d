"""Input and output shapes of the case API.

Input serializers only validate and resolve ids (scoped to what the user may see);
the writes happen in ``tickets.services``. Output serializers read what the selectors
already joined, so a list page costs the same number of queries at any size.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from customers.access import visible_to
from customers.api.serializers import BlankableEmailField, DeviceRefSerializer, RefSerializer
from customers.models import Device, Organisation

from .. import access
from ..lifecycle import Action, allowed_actions
from ..models import ArchiveReason, Attachment, Category, Channel, Department, Priority, Ticket, TicketEvent

# --- shared pieces --------------------------------------------------------------------


def _user(serializer: serializers.Serializer) -> User:
    return serializer.context["request"].user


class VisibleOrganisationField(serializers.PrimaryKeyRelatedField):
    """An organisation id the user may see: customers only their own."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Organisation.objects.all(), **kwargs)

    def get_queryset(self):
        user = _user(self.parent)
        return visible_to(user, Organisation.objects.all(), path="")


class VisibleContactField(serializers.PrimaryKeyRelatedField):
    """A contact (a user with an organisation) the user may see."""

    def __init__(self, **kwargs):
        super().__init__(queryset=User.objects.all(), **kwargs)

    def get_queryset(self):
        user = _user(self.parent)
        return visible_to(user, User.objects.filter(organisation__isnull=False, is_active=True))


class VisibleDeviceField(serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Device.objects.all(), **kwargs)

    def get_queryset(self):
        user = _user(self.parent)
        return visible_to(user, Device.objects.all())


def attachment_download_url(attachment: Attachment, request=None) -> str:
    """The permission-checked download view of the pages (``tickets:attachment``, /attachments/<pk>/)."""
    try:
        path = reverse("tickets:attachment", args=[attachment.pk])
    except NoReverseMatch:
        path = f"/attachments/{attachment.pk}/"
    return request.build_absolute_uri(path) if request is not None else path


# --- cases ----------------------------------------------------------------------------


class TicketOutputSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    priority_label = serializers.CharField(source="get_priority_display", read_only=True)
    archive_reason_label = serializers.CharField(source="get_archive_reason_display", read_only=True)
    # Kept by the satisfaction loop, annotated on the case's query (tickets.hooks.CaseFact).
    survey_round = serializers.IntegerField(
        read_only=True, default=0, help_text=_("How many satisfaction-survey rounds the case has had.")
    )
    organisation = RefSerializer(read_only=True, allow_null=True)
    contact = RefSerializer(read_only=True, allow_null=True)
    device = DeviceRefSerializer(read_only=True, allow_null=True)
    assignee = RefSerializer(read_only=True, allow_null=True)
    department = RefSerializer(read_only=True, allow_null=True)
    allowed_actions = serializers.SerializerMethodField(
        help_text=_("The lifecycle actions this user may take on the case now.")
    )
    requester_email = BlankableEmailField(read_only=True)
    archive_reason = serializers.ChoiceField(choices=ArchiveReason.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "reference",
            "status",
            "status_label",
            "allowed_actions",
            "channel",
            "channel_label",
            "category",
            "category_label",
            "priority",
            "priority_label",
            "subject",
            "description",
            "resolution",
            "organisation",
            "contact",
            "requester_name",
            "requester_email",
            "requester_phone",
            "device",
            "department",
            "assignee",
            "created_at",
            "updated_at",
            "assigned_at",
            "started_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "survey_round",
            "archive_reason",
            "archive_reason_label",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Action.choices)))
    def get_allowed_actions(self, ticket: Ticket) -> list[str]:
        # Roles are cached on the user and the case's fields are loaded: no query per row.
        user = _user(self)
        return [a.value for a in allowed_actions(ticket.status) if access.can_perform(user, ticket, a)]


class TicketCreateInputSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        help_text=_("Staff only; requests from customers are always recorded as REST API requests."),
    )
    category = serializers.ChoiceField(choices=Category.choices)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField()
    organisation = VisibleOrganisationField(
        required=False, allow_null=True, help_text=_("Ignored for customers: they open cases for themselves.")
    )
    contact = VisibleContactField(required=False, allow_null=True)
    device = VisibleDeviceField(required=False, allow_null=True)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Staff only; otherwise the routing rules choose."),
    )
    requester_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    requester_email = serializers.EmailField(required=False, allow_blank=True, default="")
    requester_phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if not _user(self).is_staff_member:
            attrs["channel"] = Channel.API
            attrs.pop("department", None)
        attrs.setdefault("channel", Channel.API)
        return attrs


class TicketUpdateInputSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    device = VisibleDeviceField(required=False, allow_null=True)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False, allow_null=True)


# --- lifecycle actions ----------------------------------------------------------------


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    is_public = serializers.BooleanField(
        required=False, default=True, help_text=_("Staff may keep the note internal; customers' notes are public.")
    )


class AssignInputSerializer(NoteInputSerializer):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), help_text=_("The engineer's user id.")
    )


class WaitInputSerializer(NoteInputSerializer):
    note = serializers.CharField(help_text=_("What the customer is asked for (shown to them)."))


class ResolveInputSerializer(NoteInputSerializer):
    resolution = serializers.CharField()


# --- timeline and files ---------------------------------------------------------------


class AttachmentOutputSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    uploaded_by = RefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "filename",
            "size",
            "content_type",
            "is_public",
            "uploaded_by",
            "created_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, attachment: Attachment) -> str:
        return attachment_download_url(attachment, self.context.get("request"))


class AttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    is_public = serializers.BooleanField(
        required=False, default=True, help_text=_("Staff may keep a file internal; customers' files are public.")
    )


class EventAttachmentSerializer(AttachmentOutputSerializer):
    """A file on the timeline: its uploader is the event's actor, so it is not repeated (nor queried)."""

    class Meta(AttachmentOutputSerializer.Meta):
        fields = [f for f in AttachmentOutputSerializer.Meta.fields if f != "uploaded_by"]
        read_only_fields = fields


class EventOutputSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(read_only=True)
    actor = RefSerializer(read_only=True, allow_null=True)
    attachments = EventAttachmentSerializer(source="files", many=True, read_only=True)

    class Meta:
        model = TicketEvent
        fields = [
            "id",
            "kind",
            "kind_label",
            "actor",
            "from_status",
            "to_status",
            "body",
            "is_public",
            "data",
            "created_at",
            "attachments",
        ]
        read_only_fields = fields


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField()
    is_public = serializers.BooleanField(
        required=False, default=True, help_text=_("False makes an internal note (staff only).")
    )
