"""Who sees fault-handling reports: those who may see the case (``tickets.access``)."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from tickets.access import tickets_visible_to

from .models import FaultReport


def fault_reports_visible_to(user: User, *, statuses: tuple[str, ...] | None = None) -> QuerySet[FaultReport]:
    """Reports on the cases ``user`` may see (only cases in ``statuses`` when given)."""
    cases = tickets_visible_to(user)
    if statuses is not None:
        cases = cases.filter(status__in=statuses)
    return FaultReport.objects.filter(ticket__in=cases.values("pk"))
