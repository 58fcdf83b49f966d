"""The SLA panel on the case page (registered with tickets.hooks in SlaConfig.ready)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from tickets.hooks import CasePanel
from tickets.models import Ticket

from .selectors import clock_list_for_ticket


def sla_panel_context(request: HttpRequest, ticket: Ticket) -> dict | None:
    """The case's clocks, in one query; nothing when the case has none."""
    clocks = list(clock_list_for_ticket(ticket))
    if not clocks:
        return None
    return {"clocks": clocks, "now": timezone.now()}


SLA_PANEL = CasePanel(name="sla", template="sla/case_panel.html", context=sla_panel_context, order=10)
