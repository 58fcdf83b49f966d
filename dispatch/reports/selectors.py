"""Report reads: the fault database, and what the printable report lists beside the report."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from tickets.lifecycle import Status

from .access import fault_reports_visible_to
from .models import FaultReport

# Resolved cases (and those archived after) with a report form the fault database.
FAULT_DATABASE_STATUSES = (Status.RESOLVED, Status.ARCHIVED)


def fault_report_search(
    user: User,
    *,
    q: str = "",
    product_id: int | None = None,
    product_line: str = "",
    symptom: str = "",
    cause: str = "",
) -> QuerySet[FaultReport]:
    """Reports of resolved (or archived) cases the user may see: the fault database.

    ``q`` searches symptom, cause and what was done; ``symptom``/``cause`` search their own field.
    """
    qs = fault_reports_visible_to(user, statuses=FAULT_DATABASE_STATUSES).select_related("ticket", "product")
    if product_id:
        qs = qs.filter(product_id=product_id)
    if product_line:
        qs = qs.filter(product__product_line__iexact=product_line)
    if symptom:
        qs = qs.filter(symptom__icontains=symptom)
    if cause:
        qs = qs.filter(cause__icontains=cause)
    if q:
        qs = qs.filter(Q(symptom__icontains=q) | Q(cause__icontains=q) | Q(actions_taken__icontains=q))
    return qs.order_by("-created_at", "-id")
