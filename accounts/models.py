import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.phones import HasPhone

from .roles import STAFF_ROLES, SUPERVISOR_ROLES, Role

TIME_ZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]


class User(HasPhone, AbstractUser):
    """Everyone who logs in: customer contacts and the vendor's staff.

    A customer contact belongs to one organisation; staff have none.
    """

    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    department = models.ForeignKey(
        "tickets.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        # Chinese names read family name first, with no space: 王伟, not 伟 王.
        if any("\u4e00" <= ch <= "\u9fff" for ch in self.first_name + self.last_name):
            return f"{self.last_name}{self.first_name}".strip()
        return super().get_full_name()

    @cached_property
    def roles(self) -> frozenset[Role]:
        """The user's roles, read once per request from their groups."""
        if not self.is_authenticated or not self.is_active:
            return frozenset()
        names = set(self.groups.values_list("name", flat=True))
        roles = {Role(n) for n in names if n in Role.values}
        if self.is_superuser:
            roles.add(Role.ADMIN)
        return frozenset(roles)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_customer(self) -> bool:
        return Role.CUSTOMER in self.roles and not self.is_staff_member

    @property
    def is_staff_member(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    @property
    def is_supervisor(self) -> bool:
        return bool(self.roles & SUPERVISOR_ROLES)

    @property
    def is_engineer(self) -> bool:
        return Role.ENGINEER in self.roles


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGOUT = "logout", _("Logout")
    LOGIN_FAILED = "login_failed", _("Login failed")
    LOCKOUT = "lockout", _("Locked out")
    PERMISSION_DENIED = "permission_denied", _("Permission refused")
    SETTINGS_CHANGED = "settings_changed", _("Settings changed")
    TWO_FACTOR_ENABLED = "two_factor_enabled", _("Two-factor login enabled")
    TWO_FACTOR_DISABLED = "two_factor_disabled", _("Two-factor login removed")


class SecurityEvent(models.Model):
    """One line of the security audit log, written by ``accounts.security.security_event_record``.

    Append-only: nothing in the product changes or deletes a row, and the admin shows it read-only.
    Never holds a password or a token (the recorder drops such keys from ``detail``).
    """

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=32, choices=SecurityEventKind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("username tried"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    path = models.CharField(_("path"), max_length=255, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["kind", "-at"], name="securityevent_kind_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.username or self.user_id or ''} {self.at:%Y-%m-%d %H:%M:%S}"
