from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.links import absolute_url

from .models import Notification, NotificationKind


@shared_task
def sla_sweep() -> dict:
    """Beat, every minute: record what fell due and queue its notifications."""
    from .services import sla_check_due

    result = sla_check_due()
    return {"warnings": result.warnings, "breaches": result.breaches, "requeued": result.requeued}


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def sla_send_notification(notification_id: int) -> None:
    """Email one outbox row in the recipient's language. Claimed first, so a duplicate message sends nothing."""
    claimed = Notification.objects.filter(pk=notification_id, sent_at=None).update(sent_at=timezone.now())
    if claimed != 1:
        return
    note = Notification.objects.select_related("recipient", "ticket", "clock").get(pk=notification_id)
    if not note.recipient.email:
        return
    try:
        with translation.override(note.recipient.language or settings.LANGUAGE_CODE):
            send_mail(notification_subject(note), notification_body(note), None, [note.recipient.email])
    except Exception:
        # Give the claim back so the retry (or the sweep) sends it.
        Notification.objects.filter(pk=notification_id).update(sent_at=None)
        raise


@shared_task
def sla_send_notifications(notification_ids: list[int]) -> None:
    """Email a batch of outbox rows; one that fails for a transient reason goes on alone, with retries."""
    from .services import enqueue

    for pk in notification_ids:
        try:
            sla_send_notification(pk)
        except OSError:
            enqueue(sla_send_notification, pk)


def notification_subject(note: Notification) -> str:
    values = {"reference": note.ticket.reference, "target": note.clock.get_kind_display() if note.clock else ""}
    if note.kind == NotificationKind.BREACH:
        return gettext("SLA breached: %(target)s on %(reference)s") % values
    return gettext("SLA warning: %(target)s on %(reference)s") % values


def notification_body(note: Notification) -> str:
    clock = note.clock
    deadline = timezone.localtime(clock.deadline).strftime("%Y-%m-%d %H:%M") if clock else ""
    link = absolute_url("tickets:case", note.ticket.reference)
    if note.kind == NotificationKind.BREACH:
        text = gettext("The %(target)s deadline of %(reference)s (%(subject)s) passed at %(deadline)s.")
    else:
        text = gettext(
            "%(level)s%% of the %(target)s time of %(reference)s (%(subject)s) is used; deadline %(deadline)s."
        )
    values = {
        "target": clock.get_kind_display() if clock else "",
        "reference": note.ticket.reference,
        "subject": note.ticket.subject,
        "deadline": deadline,
        "level": note.level,
    }
    return f"{text % values}\n\n{link}\n"
