from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Coverage(models.TextChoices):
    ALWAYS = "7x24", _("7×24")
    WORKING_HOURS = "working_hours", _("Working hours")


class ServiceContract(models.Model):
    """A service contract: coverage, warranty terms and the dedicated engineer for a customer."""

    organisation = models.ForeignKey(
        "customers.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="contracts"
    )
    number = models.CharField(_("contract number"), max_length=50, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    coverage = models.CharField(_("coverage"), max_length=20, choices=Coverage.choices, default=Coverage.ALWAYS)
    warranty_months = models.PositiveSmallIntegerField(
        _("warranty (months)"), default=12, help_text=_("Warranty from delivery for devices under this contract.")
    )
    inspections_per_year = models.PositiveSmallIntegerField(_("inspections per year"), default=2)
    dedicated_engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dedicated engineer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dedicated_contracts",
    )
    devices = models.ManyToManyField(
        "customers.Device", verbose_name=_("devices"), blank=True, related_name="contracts"
    )
    # The terms are recorded; the device list is the registry's (and an m2m history would write a
    # record for each of the admin's remove-then-add steps).
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="contract_dates_order"),
            models.CheckConstraint(
                condition=models.Q(inspections_per_year__gte=2), name="contract_min_two_inspections"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.organisation}"
