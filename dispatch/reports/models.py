"""The fault-handling report (故障处理报告): one per case, kept as a PDF; resolved cases with one form the fault database."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..uploads import dispatch_file_path


class FaultReport(models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name=_("case"), on_delete=models.CASCADE, related_name="fault_report"
    )
    # Copied from the case's device when written, so the fault database filters on its own index.
    product = models.ForeignKey(
        "customers.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    symptom = models.TextField(_("symptom"))
    cause = models.TextField(_("cause"))
    actions_taken = models.TextField(_("what was done"))
    prevention = models.TextField(_("prevention advice"), blank=True)
    service_restored_at = models.DateTimeField(_("service restored at"), null=True, blank=True)
    root_cause_fixed_at = models.DateTimeField(_("root cause fixed at"), null=True, blank=True)
    pdf = models.FileField(_("report (PDF)"), upload_to=dispatch_file_path, max_length=300, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("fault-handling report")
        verbose_name_plural = _("fault-handling reports")
        indexes = [models.Index(fields=["product", "-created_at"], name="fault_report_product_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} · {self.symptom[:40]}"
