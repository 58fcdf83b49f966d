"""Service levels: calendars, policies with their targets, and one clock per case and target."""

import zoneinfo
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tickets.lifecycle import Milestone, Status
from tickets.models import Category, Priority

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
    history = HistoricalRecords()

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
    history = HistoricalRecords()

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
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {_('working') if self.is_working else _('day off')}"


class CalendarYear(models.Model):
    """An administrator confirms a year's official schedule is entered.

    Statutory holidays come from the ``holidays`` package; the administrator enters the adjusted
    working days and any further days off as ``CalendarDay`` rows, then confirms the year.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = _("official schedule entered")
        verbose_name_plural = _("official schedules entered")

    def __str__(self) -> str:
        return str(self.year)


# --- policies -------------------------------------------------------------------------


class TargetKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    ON_SITE = "on_site", _("Engineer on site")
    ESCALATION_SOLUTION = "escalation_solution", _("Solution after escalation")
    DEVELOPMENT_REPLY = "development_reply", _("Reply to a secondary-development request")
    INSPECTION_REPORT = "inspection_report", _("Inspection report")
    RESOLUTION = "resolution", _("Resolution")


class ClockEvent(models.TextChoices):
    """What starts or stops a clock: the lifecycle's own moments, then the milestones other rooms report."""

    CREATED = "created", _("Case created")
    ASSIGNED = "assigned", _("Case assigned")
    ACCEPTED = "accepted", _("Assignment accepted")
    FIRST_PUBLIC_REPLY = "first_public_reply", _("First public reply by staff")
    RESOLVED = "resolved", _("Case resolved")
    # The rest are the milestones other rooms report (tickets.lifecycle.Milestone, same values).
    ONSITE_DECIDED = Milestone.ONSITE_DECIDED.value, Milestone.ONSITE_DECIDED.label
    ONSITE_ARRIVED = Milestone.ONSITE_ARRIVED.value, Milestone.ONSITE_ARRIVED.label
    ESCALATED = Milestone.ESCALATED.value, Milestone.ESCALATED.label
    SOLUTION_GIVEN = Milestone.SOLUTION_GIVEN.value, Milestone.SOLUTION_GIVEN.label
    DEVELOPMENT_REPLIED = Milestone.DEVELOPMENT_REPLIED.value, Milestone.DEVELOPMENT_REPLIED.label
    INSPECTION_DONE = Milestone.INSPECTION_DONE.value, Milestone.INSPECTION_DONE.label
    INSPECTION_REPORTED = Milestone.INSPECTION_REPORTED.value, Milestone.INSPECTION_REPORTED.label


def default_pause_statuses() -> list[str]:
    return [Status.WAITING.value]


def default_thresholds() -> list[int]:
    return [75, 90]


class SlaPolicy(models.Model):
    """A set of targets for the cases it matches; the most specific matching policy that has a target wins."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_default = models.BooleanField(_("default"), default=False, help_text=_("Applies when no other policy matches."))
    is_active = models.BooleanField(_("active"), default=True)
    contract = models.ForeignKey(
        "warranty.ServiceContract", verbose_name=_("contract"), null=True, blank=True, on_delete=models.CASCADE
    )
    organisation = models.ForeignKey(
        "customers.Organisation", verbose_name=_("organisation"), null=True, blank=True, on_delete=models.CASCADE
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    device_in_warranty = models.BooleanField(
        _("device in warranty"), null=True, blank=True, help_text=_("Empty: either way.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Every save changes updated_at; the record has its own date.
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True), name="sla_one_default"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def specificity(self) -> int:
        """A contract beats an organisation beats warranty beats category beats priority."""
        return (
            16 * bool(self.contract_id)
            + 8 * bool(self.organisation_id)
            + 4 * (self.device_in_warranty is not None)
            + 2 * bool(self.category)
            + bool(self.priority)
        )


class SlaTarget(models.Model):
    """One promise of a policy: a clock from ``start_event`` to ``stop_event`` of ``duration`` on ``calendar``."""

    policy = models.ForeignKey(SlaPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("target"), max_length=30, choices=TargetKind.choices)
    duration = models.DurationField(_("duration"), help_text=_("On a working-days calendar, a day is a working day."))
    calendar = models.ForeignKey(Calendar, verbose_name=_("calendar"), on_delete=models.PROTECT, related_name="+")
    start_event = models.CharField(_("starts at"), max_length=30, choices=ClockEvent.choices)
    stop_event = models.CharField(_("stops at"), max_length=30, choices=ClockEvent.choices)
    pause_statuses = models.JSONField(
        _("paused while"), default=default_pause_statuses, blank=True, help_text=_('Case statuses, e.g. ["waiting"].')
    )
    warn_thresholds = models.JSONField(
        _("warning thresholds (percent of the time used)"),
        default=default_thresholds,
        blank=True,
        help_text=_("e.g. [75, 90]"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["policy", "kind"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [models.UniqueConstraint(fields=["policy", "kind"], name="sla_target_unique_kind")]

    def __str__(self) -> str:
        return f"{self.policy} · {self.get_kind_display()}"

    def clean(self) -> None:
        errors = {}
        if self.duration is not None and self.duration <= timedelta(0):
            errors["duration"] = _("The duration must be positive.")
        if not isinstance(self.pause_statuses, list) or not set(self.pause_statuses) <= set(Status.values):
            errors["pause_statuses"] = _("Give a list of case statuses.")
        thresholds = self.warn_thresholds
        if not isinstance(thresholds, list) or not all(isinstance(p, int) and 0 < p < 100 for p in thresholds):
            errors["warn_thresholds"] = _("Give a list of whole percentages between 1 and 99.")
        if self.start_event and self.start_event == self.stop_event:
            errors["stop_event"] = _("A clock cannot stop at the event that starts it.")
        if errors:
            raise ValidationError(errors)


# --- clocks ---------------------------------------------------------------------------


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_CLOCK_STATES = (ClockState.RUNNING, ClockState.PAUSED)


class SlaClock(models.Model):
    """One target timed on one case, on the terms copied when it started (sla/RULES.md, R7).

    The deadline is ``add_duration(calendar, base_at, base_duration)``: pauses add the
    counted paused time to ``base_duration``; a raised priority moves ``base_at`` to the
    moment of change. ``next_due_at`` is the next warning or the deadline of a running
    clock, and is what the sweep reads (indexed); it is NULL when nothing can fall due.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("case"), on_delete=models.CASCADE, related_name="sla_clocks"
    )
    kind = models.CharField(_("target"), max_length=30, choices=TargetKind.choices)
    policy = models.ForeignKey(SlaPolicy, verbose_name=_("policy"), null=True, on_delete=models.SET_NULL)
    target = models.ForeignKey(
        SlaTarget, verbose_name=_("target"), null=True, on_delete=models.SET_NULL, related_name="clocks"
    )
    # The terms, copied at start.
    duration = models.DurationField(_("duration"))
    calendar = models.ForeignKey(Calendar, verbose_name=_("calendar"), on_delete=models.PROTECT, related_name="+")
    stop_event = models.CharField(_("stops at"), max_length=30, choices=ClockEvent.choices)
    pause_statuses = models.JSONField(_("paused while"), default=list)
    warn_thresholds = models.JSONField(_("warning thresholds (percent of the time used)"), default=list)

    state = models.CharField(_("state"), max_length=20, choices=ClockState.choices, default=ClockState.RUNNING)
    started_at = models.DateTimeField(_("started at"))
    base_at = models.DateTimeField(_("counted from"))
    base_duration = models.DurationField(_("counted duration"))
    deadline = models.DateTimeField(_("deadline"), db_index=True)
    provisional = models.BooleanField(
        _("provisional"), default=False, help_text=_("The deadline relies on a year without an official schedule.")
    )
    # [[percent, ISO instant], …] for this deadline, so the sweep never needs the calendar.
    warn_schedule = models.JSONField(default=list, editable=False)
    next_due_at = models.DateTimeField(_("next due"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_total = models.DurationField(_("paused (counted)"), default=timedelta(0))
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    stopped_by = models.CharField(_("stopped by"), max_length=30, blank=True)
    warning_level = models.PositiveSmallIntegerField(_("highest warning recorded (%)"), default=0)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [models.UniqueConstraint(fields=["ticket", "kind"], name="sla_clock_one_per_target")]
        indexes = [
            # The sweep: only clocks that can fall due are in this index.
            models.Index(
                fields=["next_due_at"], name="sla_clock_due_idx", condition=models.Q(next_due_at__isnull=False)
            ),
            # The dashboard: open clocks by time left, not yet breached (at risk) and overdue; small
            # partial indexes that the lists walk in order and the counts read without the table.
            models.Index(
                fields=["deadline", "id"],
                name="sla_clock_at_risk_idx",
                condition=models.Q(state__in=OPEN_CLOCK_STATES, breached_at__isnull=True),
            ),
            models.Index(
                fields=["deadline", "id"],
                name="sla_clock_overdue_idx",
                condition=models.Q(state__in=OPEN_CLOCK_STATES, breached_at__isnull=False),
            ),
            # Stopped clocks by period.
            models.Index(fields=["kind", "stopped_at"], name="sla_clock_kind_stopped_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_kind_display()} {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CLOCK_STATES


# --- notifications --------------------------------------------------------------------


class NotificationKind(models.TextChoices):
    """What the sweep tells people about (the keys of SLA_ESCALATION); sent as notices "sla.<kind>"."""

    WARNING = "warning", _("SLA warning")
    BREACH = "breach", _("SLA breach")
