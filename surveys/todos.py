"""Surveys waiting for the customer's answer, for the portal's "what is asked of you"."""

from django.urls import reverse
from django.utils.translation import gettext

from tickets.access import tickets_visible_to
from tickets.hooks import CustomerTodo
from tickets.lifecycle import Status

from .models import Outcome, Survey


def surveys_to_answer(request, ticket=None) -> list[CustomerTodo]:
    pending = Survey.objects.filter(
        outcome=Outcome.PENDING,
        ticket__status=Status.RESOLVED,
        ticket__in=tickets_visible_to(request.user),
    )
    if ticket is not None:
        pending = pending.filter(ticket=ticket)
    pending = pending.select_related("ticket").order_by("-ticket__resolved_at")[:20]
    return [
        CustomerTodo(
            label=gettext("Survey"),
            text=gettext("Tell us how we did on %(reference)s") % {"reference": s.ticket.reference},
            url=reverse("surveys:answer", args=[s.token]),
            detail=s.ticket.subject,
            badge="text-bg-success",
        )
        for s in pending
    ]
