"""Remote support (远程技术支持): sessions approved by the customer, solution plans, immutable command logs."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..uploads import dispatch_file_path
from .lifecycle import (
    OPEN_PLAN_STATUSES,
    OPEN_SESSION_STATUSES,
    SESSION_START_OFFERED,
    PlanStatus,
    SessionStatus,
    plan_allowed_actions,
    session_allowed_actions,
)


class ApprovalChannel(models.TextChoices):
    PORTAL = "portal", _("In the portal")
    LINK = "link", _("By the signed link")
    DOCUMENT = "document", _("Written approval recorded by staff (fax, letter, email)")


class RemoteSession(models.Model):
    """A remote login to the customer's system. It may start only while an approval is in force."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("case"), on_delete=models.CASCADE, related_name="remote_sessions"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    purpose = models.TextField(_("purpose"))
    target_system = models.CharField(_("target system"), max_length=200)
    window_start = models.DateTimeField(_("planned from"))
    window_end = models.DateTimeField(_("planned until"))
    status = models.CharField(
        _("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.REQUESTED
    )
    approval_channel = models.CharField(_("approved"), max_length=20, choices=ApprovalChannel.choices, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by (account)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approver_name = models.CharField(_("approved by"), max_length=100, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approval_expires_at = models.DateTimeField(_("approval valid until"), null=True, blank=True)
    approval_document = models.FileField(
        _("approval document"), upload_to=dispatch_file_path, max_length=300, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approval recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("remote session")
        verbose_name_plural = _("remote sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_end__gt=models.F("window_start")), name="remote_window_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["ticket", "-created_at"], name="remote_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} · {self.target_system}"

    @property
    def is_open(self) -> bool:
        """Waiting for the customer's answer (what the portal asks of them)."""
        return self.status in OPEN_SESSION_STATUSES

    @property
    def allowed_actions(self) -> list[str]:
        return session_allowed_actions(self)

    @property
    def start_offered(self) -> bool:
        return self.status in SESSION_START_OFFERED

    def approval_in_force(self, at=None) -> bool:
        at = at or timezone.now()
        return (
            self.status == SessionStatus.APPROVED
            and self.approved_at is not None
            and (self.approval_expires_at is None or at < self.approval_expires_at)
        )


class SolutionPlan(models.Model):
    """The technical solution. It changes the customer's system, so it is carried out only once they approve it."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("case"), on_delete=models.CASCADE, related_name="solution_plans"
    )
    session = models.ForeignKey(
        RemoteSession,
        verbose_name=_("remote session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
    )
    body = models.TextField(_("solution plan"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by (account)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_name = models.CharField(_("decided by"), max_length=100, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("customer's note"), blank=True)
    carried_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("solution plan")
        verbose_name_plural = _("solution plans")

    def __str__(self) -> str:
        return f"{self.ticket_id} · {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        """Waiting for the customer's answer (what the portal asks of them)."""
        return self.status in OPEN_PLAN_STATUSES

    @property
    def allowed_actions(self) -> list[str]:
        return plan_allowed_actions(self)


class ImmutableError(Exception):
    """A stored command log cannot be changed or removed."""


class CommandLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("command logs cannot be changed")

    def delete(self):
        raise ImmutableError("command logs cannot be deleted")


class CommandLog(models.Model):
    """Every command sent and its output during remote work, kept exactly as received.

    Written once: saving an existing row, ``update()`` and ``delete()`` raise ``ImmutableError``.
    The SHA-256 of the content is stored beside it and shown, so anyone can check the file.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("case"), on_delete=models.PROTECT, related_name="command_logs"
    )
    session = models.ForeignKey(
        RemoteSession,
        verbose_name=_("remote session"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="command_logs",
    )
    file = models.FileField(_("file"), upload_to=dispatch_file_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = CommandLogQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("command log")
        verbose_name_plural = _("command logs")

    def __str__(self) -> str:
        return f"{self.filename} ({self.sha256[:12]}…)"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError("command logs cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("command logs cannot be deleted")

    def read(self) -> bytes:
        with self.file.open("rb") as f:
            return f.read()

    def verify(self) -> bool:
        """Whether the stored file still has the checksum taken when it arrived."""
        digest = hashlib.sha256()
        with self.file.open("rb") as f:
            for chunk in iter(lambda: f.read(65536), b""):
                digest.update(chunk)
        return digest.hexdigest() == self.sha256
