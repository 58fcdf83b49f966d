"""Service levels: calendars, policies with their targets, and one clock per case and target."""

import zoneinfo

from django.db import models
from django.utils.translation import gettext_lazy as _

TIME_ZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]


# --- calendars ------------------------------------------------------------------------


class CalendarKind(models.TextChoices):
    ALWAYS = "7x24", _("7×24 (every hour counts)")
    WORKING_DAYS = "working_days", _("Working days (whole days)")
    WORKING_HOURS = "working_hours", _("Working hours on working days")


class Calendar(models.Model):
    """Which time a clock counts. Working days follow China's official calendar unless told otherwise."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CalendarKind.choices, default=CalendarKind.ALWAYS)
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Asia/Shanghai")
    follow_china_calendar = models.BooleanField(
        _("follow China's official calendar"),
        default=True,
        help_text=_("Public holidays are days off and adjusted working weekends (调休) are working days."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("calendar")
        verbose_name_plural = _("calendars")

    def __str__(self) -> str:
        return self.name


class WorkingHours(models.Model):
    """One span of working time on a weekday (a day may have several, e.g. a lunch break)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    calendar = models.ForeignKey(
        Calendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="working_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        ordering = ["calendar", "weekday", "starts"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends__gt=models.F("starts")), name="working_hours_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class CalendarDay(models.Model):
    """An administrator's word on one day; it wins over the library (new schedules, local exceptions)."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {_('working') if self.is_working else _('day off')}"


class CalendarYear(models.Model):
    """An administrator confirms that a year's official schedule has been entered as calendar days."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("official schedule entered")
        verbose_name_plural = _("official schedules entered")

    def __str__(self) -> str:
        return str(self.year)
