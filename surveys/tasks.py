from celery import shared_task

from .services import survey_expire_unanswered, survey_send_unsent


@shared_task
def expire_unanswered_surveys() -> int:
    return survey_expire_unanswered()


@shared_task
def send_unsent_surveys() -> int:
    """Beat: write the notice of a pending survey that has none (the outbox itself retries the rest)."""
    return survey_send_unsent()
