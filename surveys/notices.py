"""How the survey emails read: the link to the customer, the alert to the managers.

Registered as notice kinds from ``SurveysConfig.ready()``; the outbox claims each notice before
sending it, so a survey goes out once however often it is queued.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notices.models import Notice
from notices.registry import NoticeKind, NoticeNotNeeded

from .models import Outcome, Survey

SURVEY = "surveys.survey"
UNSATISFIED = "surveys.unsatisfied"


def _survey(notice: Notice) -> Survey:
    return Survey.objects.select_related("ticket__contact", "ticket__assignee").get(pk=notice.data["survey_id"])


def render_survey(notice: Notice) -> tuple[str, str]:
    survey = _survey(notice)
    if survey.outcome != Outcome.PENDING:
        # Answered in the portal before the email left: the email would only confuse.
        raise NoticeNotNeeded("the survey was answered before its email left")
    context = {"survey": survey, "ticket": survey.ticket, "link": notice.link}
    subject = gettext("How did we do? %(reference)s") % {"reference": survey.ticket.reference}
    return subject, render_to_string("surveys/email/survey.txt", context)


def survey_delivered(notice: Notice) -> None:
    """The no-answer timer counts from sending: a survey the outbox never delivered has not been ignored."""
    Survey.objects.filter(pk=notice.data["survey_id"], sent_at=None).update(sent_at=timezone.now())


def render_unsatisfied(notice: Notice) -> tuple[str, str]:
    survey = _survey(notice)
    context = {"survey": survey, "ticket": survey.ticket, "link": notice.link}
    subject = gettext("Customer not satisfied: %(reference)s") % {"reference": survey.ticket.reference}
    return subject, render_to_string("surveys/email/unsatisfied.txt", context)


KINDS = [
    # The loop needs the survey to go out: not something a contact turns off here.
    NoticeKind(
        key=SURVEY,
        label=_("Satisfaction survey"),
        render=render_survey,
        optional=False,
        audience="customer",
        on_delivered=survey_delivered,
    ),
    # The case is reopened for its engineer; the managers may choose not to be told each time.
    NoticeKind(key=UNSATISFIED, label=_("Customer not satisfied"), render=render_unsatisfied, audience="staff"),
]
