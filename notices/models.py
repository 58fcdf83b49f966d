from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoticeStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Failed")
    # Nothing to send it through (no email address): the notice lives in the app only.
    SKIPPED = "skipped", _("In the app only")


# Rows a worker may claim: written and not yet delivered, or waiting for their next try.
CLAIMABLE = (NoticeStatus.PENDING, NoticeStatus.RETRYING)


class Notice(models.Model):
    """One notice to one person (or one address): the in-app inbox row and the outbox row in one.

    ``data`` holds facts only; the subject and body are rendered at delivery, in the recipient's
    language and time zone, by the kind's renderer (``notices.registry``).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    # The address for a notice to someone without an account; otherwise the recipient's own, read at delivery.
    email = models.EmailField(_("email address"), blank=True)
    kind = models.CharField(_("kind"), max_length=40)
    data = models.JSONField(_("data"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    # A plain column, not a foreign key: notices sit below tickets.
    ticket_id = models.BigIntegerField(_("case id"), null=True, blank=True)
    subject_ref = models.CharField(_("about"), max_length=200, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            # A second writer that got past its own claim (two sweeps) still cannot notify twice.
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=~models.Q(dedupe_key=""), name="notice_dedupe_once"
            ),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | ~models.Q(email=""), name="notice_has_someone"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notice_inbox_idx"),
            models.Index(fields=["status", "-created_at"], name="notice_outbox_idx"),
            models.Index(fields=["kind", "-created_at"], name="notice_outbox_kind_idx"),
            # The beat reads only what is due; sent rows leave these indexes.
            models.Index(
                fields=["next_attempt_at"],
                name="notice_due_idx",
                condition=models.Q(status__in=["pending", "retrying"]),
            ),
            models.Index(fields=["claimed_at"], name="notice_sending_idx", condition=models.Q(status="sending")),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id or self.email}"

    @property
    def address(self) -> str:
        """Where the email goes: the notice's own address, else the recipient's current one."""
        if self.email:
            return self.email
        return (getattr(self.recipient, "email", "") or "") if self.recipient_id else ""


class NoticePreference(models.Model):
    """A user's choice for one optional kind; no row means the kind's default (on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notice_preference_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {'on' if self.enabled else 'off'}"
