"""Reads of the satisfaction loop that other pages show."""

from django.conf import settings
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Survey, SurveySettings


def annotate_survey_round(tickets: QuerySet) -> QuerySet:
    """Each case's number of survey rounds, as ``survey_round``, inside the case query (on the unique (ticket, round) index)."""
    last_round = Survey.objects.filter(ticket=OuterRef("pk")).order_by("-round").values("round")[:1]
    return tickets.annotate(survey_round=Coalesce(Subquery(last_round), Value(0), output_field=IntegerField()))


def survey_thresholds() -> tuple[int, int]:
    """(score from which an answer counts as satisfied, days after which an unanswered survey archives):
    the managers' settings, else the environment's."""
    row = SurveySettings.objects.first()
    if row is not None:
        return row.satisfied_score, row.no_answer_days
    return settings.SURVEY_SATISFIED_SCORE, settings.SURVEY_NO_ANSWER_DAYS
