"""How a department dispatches, and each case's dispatch state (waiting for acceptance, chases, tier)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

DEFAULT_ACCEPT_MINUTES = 30


class DispatchMode(models.TextChoices):
    MANAGER = "manager", _("Manager assigns (派单)")
    POOL = "pool", _("Engineers claim from the pool (抢单)")
    AUTO = "auto", _("Automatic by rule")


class AutoRule(models.TextChoices):
    DEDICATED = "dedicated", _("Dedicated engineer, else best suggestion")
    ROUND_ROBIN = "round_robin", _("Round robin")
    FEWEST_OPEN = "fewest_open", _("Fewest open cases")
    REGION = "region", _("Region first")
    SKILL = "skill", _("Skill first")


class DispatchPolicy(models.Model):
    """A department's dispatch mode and its rules. A department without one is dispatched by its manager."""

    department = models.OneToOneField(
        "tickets.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="dispatch_policy"
    )
    mode = models.CharField(
        _("dispatch mode"), max_length=20, choices=DispatchMode.choices, default=DispatchMode.MANAGER
    )
    auto_rule = models.CharField(
        _("automatic rule"), max_length=20, choices=AutoRule.choices, default=AutoRule.DEDICATED
    )
    # The pool's rules: what an engineer must meet to claim a case.
    pool_requires_skill = models.BooleanField(_("pool: skill for the product line required"), default=True)
    pool_requires_region = models.BooleanField(_("pool: region of the site required"), default=False)
    enforce_load_limit = models.BooleanField(_("respect each engineer's load limit"), default=True)
    accept_minutes = models.PositiveIntegerField(
        _("minutes to accept"),
        default=DEFAULT_ACCEPT_MINUTES,
        help_text=_("A case not accepted within this time is dispatched again and the manager told."),
    )
    # Round robin remembers whom it gave the last case to.
    last_engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # The manager's settings are recorded; round robin's bookkeeping is not.
    history = HistoricalRecords(excluded_fields=["last_engineer"])

    class Meta:
        verbose_name = _("dispatch policy")
        verbose_name_plural = _("dispatch policies")

    def __str__(self) -> str:
        return f"{self.department} · {self.get_mode_display()}"


class Tier(models.IntegerChoices):
    """Escalation tiers, each a step up: hotline → engineer → project manager (the specialists, who owe a solution)."""

    HOTLINE = 1, _("Hotline")
    ENGINEER = 2, _("Engineer")
    PROJECT_MANAGER = 3, _("Project manager")


class CaseDispatch(models.Model):
    """Dispatch's facts about one case, kept beside it (tickets knows nothing of dispatch).

    ``accept_due_at`` is set when the case is assigned and cleared when it is accepted or moves
    on: the sweep reads only the rows due, on its index.
    """

    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name=_("case"), on_delete=models.CASCADE, related_name="dispatch", primary_key=True
    )
    awaiting = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("awaiting acceptance by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accept_due_at = models.DateTimeField(_("accept by"), null=True, blank=True, db_index=True)
    redispatch_count = models.PositiveSmallIntegerField(_("times dispatched again"), default=0)
    # Engineers who declined or let the case time out: automatic dispatch passes them over.
    passed_over = models.JSONField(_("declined by"), default=list, blank=True)
    chase_count = models.PositiveIntegerField(_("chases"), default=0)
    last_chased_at = models.DateTimeField(_("last chased at"), null=True, blank=True)
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices, default=Tier.HOTLINE)
    # When automatic dispatch last looked at the case. A case of an automatic department that is
    # new without it had its dispatch message lost (broker down, or emptied): the sweep queues it.
    auto_tried_at = models.DateTimeField(_("automatic dispatch tried at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case dispatch state")
        verbose_name_plural = _("case dispatch states")
        indexes = [models.Index(fields=["-chase_count"], name="dispatch_chase_count_idx")]

    def __str__(self) -> str:
        return str(self.ticket_id)


class Escalation(models.Model):
    """One step up the tiers: who, why, when; and, for specialists, when the solution was given."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("case"), on_delete=models.CASCADE, related_name="escalations"
    )
    from_tier = models.PositiveSmallIntegerField(_("from"), choices=Tier.choices)
    to_tier = models.PositiveSmallIntegerField(_("to"), choices=Tier.choices)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("escalated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("escalated at"), auto_now_add=True)
    solution = models.TextField(_("solution"), blank=True)
    solution_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("solution by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    solution_given_at = models.DateTimeField(_("solution given at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.CheckConstraint(condition=models.Q(to_tier__gt=models.F("from_tier")), name="escalation_goes_up")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.get_from_tier_display()} → {self.get_to_tier_display()}"
