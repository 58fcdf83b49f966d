"""The registry at the bottom of the tree: who the customers are and what they run."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.phones import HasPhone

# The product warranty runs one year from delivery (产品保修期限为一年) unless a contract says otherwise.
DEFAULT_WARRANTY_MONTHS = 12


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    # Clamp 29-31 to the last day of a shorter month.
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


class Organisation(HasPhone):
    name = models.CharField(_("name"), max_length=200, unique=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_key_customer = models.BooleanField(_("key customer"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="sites"
    )
    name = models.CharField(_("name"), max_length=200)
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="site_unique_name")]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.name}"

    @property
    def address(self) -> str:
        return " ".join(p for p in (self.province, self.city, self.district, self.street) if p)


class Product(models.Model):
    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    product_line = models.CharField(_("product line"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.name


class Device(models.Model):
    serial_number = models.CharField(_("serial number"), max_length=100, unique=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="devices"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="devices"
    )
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="devices")
    delivered_on = models.DateField(_("delivery date"), null=True, blank=True)
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), default=DEFAULT_WARRANTY_MONTHS)

    class Meta:
        ordering = ["serial_number"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        indexes = [models.Index(fields=["organisation", "serial_number"], name="device_org_serial_idx")]

    def __str__(self) -> str:
        return f"{self.product} · {self.serial_number}"

    @property
    def warranty_until(self) -> datetime.date | None:
        if self.delivered_on is None:
            return None
        return add_months(self.delivered_on, self.warranty_months)

    def in_warranty(self, on: datetime.date) -> bool:
        until = self.warranty_until
        return until is not None and on < until
