"""On-site support (现场技术支持): visits, major operations needing approval, parts, the signed service application."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..uploads import dispatch_file_path
from .lifecycle import (
    ACTIVE_VISIT_STATUSES,
    ApplicationState,
    OperationState,
    VisitStatus,
    application_allowed_actions,
    application_state,
    operation_allowed_actions,
    operation_state,
    visit_allowed_actions,
)


class Visit(models.Model):
    """An engineer's visit to the customer's site, from the decision to the finish."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("case"), on_delete=models.CASCADE, related_name="visits"
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("engineer"), on_delete=models.PROTECT, related_name="visits"
    )
    status = models.CharField(_("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.DECIDED)
    reason = models.TextField(_("why a visit"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"))
    planned_at = models.DateTimeField(_("planned for"), null=True, blank=True)
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    arrival_latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    arrival_longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    arrival_accuracy_m = models.PositiveIntegerField(_("location accuracy (m)"), null=True, blank=True)
    service_restored_at = models.DateTimeField(_("service restored at"), null=True, blank=True)
    root_cause_fixed_at = models.DateTimeField(_("root cause fixed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    summary = models.TextField(_("visit record"), blank=True)

    class Meta:
        ordering = ["decided_at", "id"]
        verbose_name = _("on-site visit")
        verbose_name_plural = _("on-site visits")
        indexes = [models.Index(fields=["engineer", "status"], name="visit_engineer_status_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} · {self.engineer} · {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        """From the decision until it finishes (the one definition: ``ACTIVE_VISIT_STATUSES``)."""
        return self.status in ACTIVE_VISIT_STATUSES

    @property
    def allowed_actions(self) -> list[str]:
        return visit_allowed_actions(self)


class OperationKind(models.TextChoices):
    REINSTALL = "reinstall", _("System reinstall")
    REBOOT = "reboot", _("System reboot")
    DATA_RESTORE = "data_restore", _("Data restore")
    OTHER = "other", _("Other major operation")


class MajorOperation(models.Model):
    """A major operation during a visit; the customer's approval is recorded before it may be marked done."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="operations")
    kind = models.CharField(_("operation"), max_length=20, choices=OperationKind.choices)
    description = models.TextField(_("description"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
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
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approval recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("major operation")
        verbose_name_plural = _("major operations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done_at__isnull=True) | models.Q(approved_at__isnull=False),
                name="major_operation_done_only_if_approved",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.visit_id}"

    @property
    def state(self) -> OperationState:
        return operation_state(self)

    @property
    def is_awaiting_approval(self) -> bool:
        return self.state == OperationState.REQUESTED

    @property
    def allowed_actions(self) -> list[str]:
        return operation_allowed_actions(self)


class PartLine(models.Model):
    """A part used on a case: free in warranty, charged outside it (decided when recorded)."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("case"), on_delete=models.CASCADE, related_name="part_lines"
    )
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="part_lines"
    )
    description = models.CharField(_("part"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(
        _("unit price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    in_warranty = models.BooleanField(_("in warranty"))
    amount_charged = models.DecimalField(_("charged"), max_digits=14, decimal_places=2)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(in_warranty=False) | models.Q(amount_charged=0), name="part_free_in_warranty"
            )
        ]

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity}"

    @property
    def value(self) -> Decimal:
        return self.unit_price * self.quantity


class SignedVia(models.TextChoices):
    DEVICE = "device", _("On the engineer's tablet or phone")
    LINK = "link", _("By the signing link")


class ServiceApplication(models.Model):
    """The technical-service application (技术服务申请) the customer's responsible person signs on arrival."""

    visit = models.OneToOneField(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="application")
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("case"), on_delete=models.CASCADE, related_name="service_applications"
    )
    work_description = models.TextField(_("service requested"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    signer_name = models.CharField(_("signed by"), max_length=100, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_via = models.CharField(_("signed"), max_length=20, choices=SignedVia.choices, blank=True)
    signature = models.FileField(_("signature"), upload_to=dispatch_file_path, max_length=300, blank=True)
    pdf = models.FileField(_("signed application (PDF)"), upload_to=dispatch_file_path, max_length=300, blank=True)

    class Meta:
        verbose_name = _("technical-service application")
        verbose_name_plural = _("technical-service applications")

    def __str__(self) -> str:
        return f"{self.ticket_id} · {self.signer_name or '—'}"

    @property
    def state(self) -> ApplicationState:
        return application_state(self)

    @property
    def is_signed(self) -> bool:
        return self.state == ApplicationState.SIGNED

    @property
    def allowed_actions(self) -> list[str]:
        return application_allowed_actions(self)
