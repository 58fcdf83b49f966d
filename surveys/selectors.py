"""Reads of the satisfaction loop that other pages show."""

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Survey


def annotate_survey_round(tickets: QuerySet) -> QuerySet:
    """Each case's number of survey rounds, as ``survey_round``, inside the case query (on the unique (ticket, round) index)."""
    last_round = Survey.objects.filter(ticket=OuterRef("pk")).order_by("-round").values("round")[:1]
    return tickets.annotate(survey_round=Coalesce(Subquery(last_round), Value(0), output_field=IntegerField()))
