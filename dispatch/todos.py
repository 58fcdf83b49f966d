"""Remote sessions and solution plans waiting for the customer, for the portal's "what is asked of you"."""

from django.urls import reverse
from django.utils.translation import gettext

from tickets.access import tickets_visible_to
from tickets.hooks import CustomerTodo

from .remote.lifecycle import OPEN_PLAN_STATUSES, OPEN_SESSION_STATUSES
from .remote.models import RemoteSession, SolutionPlan


def approvals_to_give(request, ticket=None) -> list[CustomerTodo]:
    if ticket is not None:
        return []  # the case's own panel asks for the approval in place
    visible = tickets_visible_to(request.user)
    sessions = (
        RemoteSession.objects.filter(status__in=OPEN_SESSION_STATUSES, ticket__in=visible)
        .select_related("ticket")
        .order_by("created_at")[:20]
    )
    plans = (
        SolutionPlan.objects.filter(status__in=OPEN_PLAN_STATUSES, ticket__in=visible)
        .select_related("ticket")
        .order_by("created_at")[:20]
    )
    todos = [
        CustomerTodo(
            label=gettext("Approval needed"),
            text=gettext("Allow a remote session on %(reference)s") % {"reference": s.ticket.reference},
            url=reverse("tickets:portal-case", args=[s.ticket.reference]),
            detail=s.purpose,
        )
        for s in sessions
    ]
    todos += [
        CustomerTodo(
            label=gettext("Approval needed"),
            text=gettext("Approve the solution plan for %(reference)s") % {"reference": p.ticket.reference},
            url=reverse("tickets:portal-case", args=[p.ticket.reference]),
            detail=p.ticket.subject,
        )
        for p in plans
    ]
    return todos
