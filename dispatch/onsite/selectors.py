"""Visit reads: one visit for its page, and the device's history before going on site."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from accounts.models import User
from tickets.access import tickets_visible_to
from tickets.models import Category, Ticket

from .models import PartLine, Visit


def visit_get_for_user(user: User, pk: int) -> Visit:
    """A visit on a case the user may see (404 otherwise), with its case, device, site and contact joined."""
    return get_object_or_404(
        Visit.objects.filter(ticket__in=tickets_visible_to(user).values("pk")).select_related(
            "engineer", "ticket__device__product", "ticket__device__site", "ticket__contact", "ticket__organisation"
        ),
        pk=pk,
    )


def device_history(ticket: Ticket) -> dict:
    """The device's history before a visit, in four queries: its other cases (patch and upgrade cases
    among them), visits and parts. Empty when the case has no device."""
    if not ticket.device_id:
        return {"cases": [], "patches": [], "visits": [], "parts": []}
    others = Ticket.objects.filter(device_id=ticket.device_id).exclude(pk=ticket.pk)
    cases = list(others.select_related("assignee", "fault_report").order_by("-created_at")[:20])
    return {
        "cases": [c for c in cases if c.category != Category.PATCH],
        "patches": [c for c in cases if c.category == Category.PATCH],
        "visits": list(
            Visit.objects.filter(ticket__device_id=ticket.device_id)
            .exclude(ticket=ticket)
            .select_related("engineer", "ticket")
            .order_by("-decided_at")[:20]
        ),
        "parts": list(
            PartLine.objects.filter(ticket__device_id=ticket.device_id)
            .select_related("ticket")
            .order_by("-created_at")[:50]
        ),
    }
