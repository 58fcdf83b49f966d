from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from accounts.roles import Role
from core.links import absolute_url

from .models import Outcome, Survey
from .services import survey_expire_unanswered, survey_send_unsent


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_survey(survey_id: int) -> None:
    """Email the survey link to the case's contact, in their language. Idempotent."""
    survey = (
        Survey.objects.select_related("ticket__contact")
        .filter(pk=survey_id, sent_at__isnull=True, outcome=Outcome.PENDING)
        .first()
    )
    if survey is None:
        return
    if not survey.email:  # nobody to email: the link waits in the portal, and the no-answer clock runs
        Survey.objects.filter(pk=survey.pk).update(sent_at=timezone.now())
        return
    contact = survey.ticket.contact
    with translation.override(getattr(contact, "language", "") or settings.LANGUAGE_CODE):
        link = absolute_url("surveys:answer", survey.token)
        body = render_to_string("surveys/email/survey.txt", {"survey": survey, "ticket": survey.ticket, "link": link})
        subject = gettext("How did we do? %(reference)s") % {"reference": survey.ticket.reference}
        send_mail(subject, body, None, [survey.email])
    Survey.objects.filter(pk=survey.pk).update(sent_at=timezone.now())


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_unsatisfied(survey_id: int) -> None:
    """Tell the after-sales managers that a customer was not satisfied."""
    survey = Survey.objects.select_related("ticket__assignee").get(pk=survey_id)
    managers = User.objects.filter(is_active=True, groups__name=Role.MANAGER).exclude(email="")
    for manager in managers:
        with translation.override(manager.language or settings.LANGUAGE_CODE):
            link = absolute_url("tickets:case", survey.ticket.reference)
            body = render_to_string(
                "surveys/email/unsatisfied.txt", {"survey": survey, "ticket": survey.ticket, "link": link}
            )
            subject = gettext("Customer not satisfied: %(reference)s") % {"reference": survey.ticket.reference}
            send_mail(subject, body, None, [manager.email])


@shared_task
def expire_unanswered_surveys() -> int:
    return survey_expire_unanswered()


@shared_task
def send_unsent_surveys() -> int:
    return survey_send_unsent()
