"""Who can do the work: engineer profiles (skills, regions, certificates, load limit) and the 7×24 duty roster."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_OPEN_CASES = 10


class EngineerProfile(models.Model):
    """What an engineer knows and where they work; read by the dispatch suggestions and the pool rules.

    ``product_lines`` and ``regions`` are short lists read whole (ranking runs in Python over the
    few engineers of a team), so JSON keeps them in the row instead of two more tables.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("engineer"), on_delete=models.CASCADE, related_name="engineer_profile"
    )
    product_lines = models.JSONField(
        _("skills (product lines)"), default=list, blank=True, help_text=_("Product lines this engineer handles.")
    )
    regions = models.JSONField(
        _("regions"),
        default=list,
        blank=True,
        help_text=_(
            'Where this engineer works: [{"province": "广东省", "city": "深圳市"}]; no city means the whole province.'
        ),
    )
    max_open_cases = models.PositiveSmallIntegerField(
        _("maximum open cases"),
        default=DEFAULT_MAX_OPEN_CASES,
        help_text=_("Load limit for the pool and automatic dispatch."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("engineer profile")
        verbose_name_plural = _("engineer profiles")

    def __str__(self) -> str:
        return str(self.user)

    def has_skill(self, product_line: str) -> bool:
        wanted = product_line.strip().casefold()
        return bool(wanted) and any(str(p).strip().casefold() == wanted for p in self.product_lines)

    def covers_region(self, province: str, city: str = "") -> bool:
        if not province:
            return False
        for region in self.regions:
            if region.get("province") != province:
                continue
            if not region.get("city") or region.get("city") == city:
                return True
        return False


class Certification(models.Model):
    """A qualification certificate.

    Patch and upgrade cases go only to engineers holding a valid one that ``covers_patches``
    for the device's product line.
    """

    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("engineer"), on_delete=models.CASCADE, related_name="certifications"
    )
    name = models.CharField(_("certificate"), max_length=200)
    number = models.CharField(_("certificate number"), max_length=100, blank=True)
    product_line = models.CharField(_("product line"), max_length=100, blank=True, help_text=_("Empty: all."))
    covers_patches = models.BooleanField(
        _("qualifies for patch installation"), default=False, help_text=_("Patch and upgrade cases need this.")
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["engineer", "name"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def __str__(self) -> str:
        return f"{self.engineer} · {self.name}"

    def is_valid(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.valid_until is None or on <= self.valid_until


class DutyKind(models.TextChoices):
    DAY = "day", _("Day shift")
    NIGHT = "night", _("Night shift")
    WEEKEND = "weekend", _("Weekend duty")
    HOLIDAY = "holiday", _("Holiday duty")
    GO_LIVE = "go_live", _("Go-live duty")


class DutyShift(models.Model):
    """One engineer on duty from ``starts_at`` to ``ends_at`` (the 7×24 roster, 值班安排)."""

    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("engineer"), on_delete=models.CASCADE, related_name="duty_shifts"
    )
    kind = models.CharField(_("shift"), max_length=20, choices=DutyKind.choices, default=DutyKind.DAY)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    on_call_phone = models.CharField(_("on-call phone"), max_length=32)
    department = models.ForeignKey(
        "tickets.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="duty_shifts",
    )
    # Go-live duty (上线后值班) watches one customer's new system.
    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("customer (go-live duty)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="duty_shifts",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="duty_shift_ends_after_start"
            )
        ]
        # "Who is on duty now" reads shifts that end after now and started before it.
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="duty_shift_window_idx")]

    def __str__(self) -> str:
        return f"{self.engineer} · {self.get_kind_display()} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"
