"""Reads that cross dispatch's parts: everything on one case for its panels, and one row by id.

Case-bound reads start from ``tickets.access.tickets_visible_to`` (the one access rule), so a
case the user may not see, and everything hanging off it, answers 404. Each part's own reads are
in its ``selectors.py`` (``dispatch.roster``, ``dispatch.onsite``, ``dispatch.reports``, …).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from accounts.models import User
from tickets.access import tickets_visible_to

from .models import CaseDispatch, CommandLog, Escalation, FaultReport, RemoteSession, SolutionPlan, Visit


def case_handling(ticket) -> dict:
    """Everything dispatch keeps on one case, for the case page panels: a fixed number of queries."""
    return {
        "state": CaseDispatch.objects.filter(ticket=ticket).select_related("awaiting").first(),
        "sessions": list(RemoteSession.objects.filter(ticket=ticket).order_by("-created_at", "-id")),
        "plans": list(SolutionPlan.objects.filter(ticket=ticket)),
        "logs": list(CommandLog.objects.filter(ticket=ticket)),
        "visits": list(
            Visit.objects.filter(ticket=ticket).select_related("engineer", "application").prefetch_related("operations")
        ),
        "escalations": list(Escalation.objects.filter(ticket=ticket).select_related("escalated_by")),
        "report": FaultReport.objects.filter(ticket=ticket).first(),
    }


def case_object_for_user(user: User, model, pk: int, ticket_path: str = "ticket"):
    """A session, plan, log or operation on a case the user may see; 404 otherwise."""
    return get_object_or_404(
        model.objects.filter(**{f"{ticket_path}__in": tickets_visible_to(user).values("pk")}).select_related(
            ticket_path
        ),
        pk=pk,
    )
