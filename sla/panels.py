"""What the SLA shows on tickets' pages: the case-page panel and the queue's time-left column
(registered with tickets.hooks in SlaConfig.ready)."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.hooks import CasePanel, QueueColumn
from tickets.models import Ticket

from .models import OPEN_CLOCK_STATES, SlaClock
from .selectors import clock_list_for_ticket


def sla_panel_context(request: HttpRequest, ticket: Ticket) -> dict | None:
    """The case's clocks, in one query; nothing when the case has none."""
    clocks = list(clock_list_for_ticket(ticket))
    if not clocks:
        return None
    return {"clocks": clocks, "now": timezone.now()}


SLA_PANEL = CasePanel(name="sla", template="sla/case_panel.html", context=sla_panel_context, order=10)


def annotate_next_deadline(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Each row's most pressing open clock (earliest deadline), as subqueries of the queue's query."""
    nearest = SlaClock.objects.filter(ticket=OuterRef("pk"), state__in=OPEN_CLOCK_STATES).order_by("deadline")
    return queryset.annotate(
        sla_deadline=Subquery(nearest.values("deadline")[:1]),
        sla_paused_at=Subquery(nearest.values("paused_at")[:1]),
        sla_kind=Subquery(nearest.values("kind")[:1]),
    )


SLA_QUEUE_COLUMN = QueueColumn(
    name="sla",
    header=_("SLA time left"),
    annotate=annotate_next_deadline,
    template="sla/queue_cell.html",
    order=10,
)
