from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Outcome(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    SATISFIED = "satisfied", _("Satisfied")
    UNSATISFIED = "unsatisfied", _("Not satisfied")
    NO_ANSWER = "no_answer", _("No answer")


class Survey(models.Model):
    """One round of the satisfaction loop: sent when a case is resolved, answered once by its token."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("case"), on_delete=models.CASCADE, related_name="surveys"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    token = models.CharField(max_length=64, unique=True, editable=False)
    email = models.EmailField(_("sent to"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)

    class Meta:
        ordering = ["ticket", "round"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "round"], name="survey_one_per_round"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5), name="survey_score_1_5"
            ),
        ]
        # The sweeps read only pending surveys sent before the cut-off, or not sent at all.
        indexes = [models.Index(fields=["outcome", "sent_at"], name="survey_pending_sent_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} #{self.round}"


class SurveySettings(models.Model):
    """The satisfaction loop's thresholds, edited by managers at /manage/ with their history.

    One row at most; until a manager saves it, ``SURVEY_SATISFIED_SCORE`` and
    ``SURVEY_NO_ANSWER_DAYS`` from the environment apply (``surveys.selectors.survey_thresholds``).
    """

    satisfied_score = models.PositiveSmallIntegerField(
        _("satisfied from score"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("An answer at or above this score (1–5) archives the case; below it reopens the case."),
    )
    no_answer_days = models.PositiveSmallIntegerField(
        _("archive unanswered surveys after (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Counted from when the survey was sent."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")

    def __str__(self) -> str:
        return str(_("Survey settings"))
