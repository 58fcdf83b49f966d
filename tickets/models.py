import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .kinds import event_kind
from .lifecycle import Status


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    EMAIL = "email", _("Email")
    WEB = "web", _("Web form")
    PORTAL = "portal", _("Portal")
    API = "api", _("REST API")


class Category(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    FAULT = "fault", _("Fault")
    INSTALLATION = "installation", _("Installation and commissioning")
    TRAINING = "training", _("Training")
    PATCH = "patch", _("Patch or upgrade")
    DEVELOPMENT = "development", _("Secondary-development request")
    INSPECTION = "inspection", _("Inspection")
    PARTS = "parts", _("Parts")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class ArchiveReason(models.TextChoices):
    SATISFIED = "satisfied", _("Customer satisfied")
    NO_ANSWER = "no_answer", _("No survey answer")
    MANUAL = "manual", _("Archived by staff")


class Department(models.Model):
    """A support centre with its own queue (售前支持, 售后支持, 技术支持, …)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Receives cases that no routing rule matches.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Sends cases of a category and/or customer to a department; the most specific rule wins."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="routing_rules"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    organisation = models.ForeignKey(
        "customers.Organisation", verbose_name=_("organisation"), null=True, blank=True, on_delete=models.CASCADE
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(fields=["category", "organisation"], name="routing_rule_unique_match"),
        ]

    def __str__(self) -> str:
        what = " · ".join(str(x) for x in (self.get_category_display(), self.organisation) if x) or _("any")
        return f"{what} → {self.department}"


class Ticket(models.Model):
    """A service request (the case), from creation to archive."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    # No single-column index on department, organisation or assignee: the composite indexes
    # in Meta start with them and serve the same lookups (one index less to write per case).
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requested_tickets",
    )
    # For requesters without an account (public form, unknown caller).
    requester_name = models.CharField(_("requester name"), max_length=100, blank=True)
    requester_email = models.EmailField(_("requester email"), blank=True)
    requester_phone = models.CharField(_("requester phone"), max_length=32, blank=True)
    device = models.ForeignKey(
        "customers.Device",
        verbose_name=_("device"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    resolution = models.TextField(_("resolution"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    archive_reason = models.CharField(_("archive reason"), max_length=20, choices=ArchiveReason.choices, blank=True)

    # The time of each step.
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    started_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("archived or cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [("assign_ticket", _("Can assign cases to engineers"))]
        # One index per queue filter, each ending in the default sort, so a filtered
        # page reads only the rows it shows.
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="ticket_created_idx"),
            models.Index(fields=["status", "-created_at"], name="ticket_status_idx"),
            models.Index(fields=["department", "status", "-created_at"], name="ticket_dept_status_idx"),
            models.Index(fields=["organisation", "-created_at"], name="ticket_org_idx"),
            models.Index(fields=["assignee", "status", "-created_at"], name="ticket_assignee_idx"),
            models.Index(fields=["priority", "-created_at"], name="ticket_priority_idx"),
            models.Index(fields=["channel", "-created_at"], name="ticket_channel_idx"),
            models.Index(fields=["category", "-created_at"], name="ticket_category_idx"),
            models.Index(fields=["-updated_at"], name="ticket_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def requester_display(self) -> str:
        if self.contact_id:
            return str(self.contact)
        return self.requester_name or self.requester_email or self.requester_phone


class EventKind(models.TextChoices):
    """The case core's own timeline entries. The rooms above register theirs (``tickets.events``)."""

    CREATED = "created", _("Created")
    STATUS = "status", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    COMMENT = "comment", _("Comment")
    ATTACHMENT = "attachment", _("Attachment")
    UPDATED = "updated", _("Updated")


class TicketEvent(models.Model):
    """One entry on a case's timeline: who, when, what (from → to), comment, public or internal."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    # No choices: each room registers its own kinds (tickets.events.register_event_kind).
    kind = models.CharField(_("kind"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices, blank=True)
    body = models.TextField(_("comment"), blank=True)
    is_public = models.BooleanField(_("visible to the customer"), default=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def kind_label(self) -> str:
        spec = event_kind(self.kind)
        return str(spec.label) if spec else self.kind


def attachment_path(instance: "Attachment", filename: str) -> str:
    # A random folder per file: names never collide and cannot be guessed.
    return f"attachments/{instance.ticket_id}/{secrets.token_hex(8)}/{filename}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        TicketEvent, verbose_name=_("event"), null=True, blank=True, on_delete=models.SET_NULL, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    is_public = models.BooleanField(_("visible to the customer"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class PublicRequest(models.Model):
    """A request sent through the public form; it becomes a case once the sender confirms by email."""

    name = models.CharField(_("your name"), max_length=100)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ticket = models.OneToOneField(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("public request")
        verbose_name_plural = _("public requests")

    def __str__(self) -> str:
        return f"{self.email}: {self.subject}"
