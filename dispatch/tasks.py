"""Celery entry points for dispatch: take ids, call an idempotent service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from core.links import absolute_url
from tickets.models import TicketEvent


@shared_task
def dispatch_sweep() -> int:
    """Re-dispatch the cases not accepted in time (reads only the due rows)."""
    from .services.assignment import dispatch_sweep_unaccepted

    return dispatch_sweep_unaccepted()


@shared_task
def dispatch_auto_task(ticket_id: int) -> None:
    from .services.assignment import dispatch_auto

    dispatch_auto(ticket_id=ticket_id)


SUBJECTS = {
    "chased": lambda: gettext("Chased: %(reference)s %(subject)s"),
    "dispatch": lambda: gettext("Dispatch needs you: %(reference)s %(subject)s"),
    "escalated": lambda: gettext("Escalated: %(reference)s %(subject)s"),
    "remote": lambda: gettext("Remote support: %(reference)s %(subject)s"),
    "visit": lambda: gettext("On-site visit: %(reference)s %(subject)s"),
    "report": lambda: gettext("Fault-handling report: %(reference)s %(subject)s"),
}


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_dispatch_email(event_id: int) -> int:
    """Email the people an event names in ``data["notify"]``, each in their language. Returns how many."""
    event = TicketEvent.objects.select_related("ticket", "actor").filter(pk=event_id).first()
    if event is None:
        return 0
    ticket = event.ticket
    sent = 0
    for user in User.objects.filter(pk__in=event.data.get("notify", []), is_active=True).exclude(email=""):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = SUBJECTS.get(event.kind, SUBJECTS["dispatch"])() % {
                "reference": ticket.reference,
                "subject": ticket.subject,
            }
            lines = [subject, "", event.body] if event.body else [subject]
            if event.actor:
                lines.append(gettext("By: %(name)s") % {"name": event.actor})
            lines += ["", absolute_url("tickets:case", ticket.reference)]
            send_mail(subject, "\n".join(lines), None, [user.email])
        sent += 1
    return sent
