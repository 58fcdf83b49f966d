"""Dispatch reads, shaped for the pages and the API that show them.

Case-bound reads start from ``tickets.access.tickets_visible_to`` (the one access rule), so a
case the user may not see, and everything hanging off it, answers 404.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from tickets.selectors import engineer_list

from .models import DutyShift, EngineerProfile


def duty_list_now(*, at: dt.datetime | None = None, department_id: int | None = None) -> QuerySet[DutyShift]:
    """The shifts running at ``at`` (default now), with engineer, department and customer joined.

    Shown on the hotline page and the manager's pages: who is on duty and their on-call phone.
    A department's list also includes shifts with no department (the company-wide hotline duty).
    """
    at = at or timezone.now()
    qs = DutyShift.objects.filter(starts_at__lte=at, ends_at__gt=at).select_related(
        "engineer", "department", "organisation"
    )
    if department_id is not None:
        from django.db.models import Q

        qs = qs.filter(Q(department_id=department_id) | Q(department__isnull=True))
    return qs.order_by("starts_at", "id")


def duty_engineer_ids_now(*, at: dt.datetime | None = None) -> set[int]:
    return set(duty_list_now(at=at).values_list("engineer_id", flat=True))


def duty_list_between(*, start: dt.datetime, end: dt.datetime) -> QuerySet[DutyShift]:
    """The roster as a calendar shows it: every shift overlapping [start, end)."""
    return (
        DutyShift.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("engineer", "department", "organisation")
        .order_by("starts_at", "id")
    )


def engineer_profile_list() -> QuerySet[EngineerProfile]:
    return EngineerProfile.objects.select_related("user").order_by("user__first_name", "user__username")


def engineer_profiles_by_user(engineers: list[User]) -> dict[int, EngineerProfile]:
    return {p.user_id: p for p in EngineerProfile.objects.filter(user__in=engineers)}


def active_engineers() -> list[User]:
    return list(engineer_list().distinct())


# --- the fault database ---------------------------------------------------------------

FAULT_DATABASE_STATUSES = ("resolved", "archived")


def fault_report_search(
    user: User,
    *,
    q: str = "",
    product_id: int | None = None,
    product_line: str = "",
    symptom: str = "",
    cause: str = "",
) -> QuerySet:
    """Reports of resolved (or archived) cases the user may see: the fault database.

    ``q`` searches symptom, cause and what was done; ``symptom``/``cause`` search their own field.
    """
    from django.db.models import Q

    from tickets.access import tickets_visible_to

    from .models import FaultReport

    qs = FaultReport.objects.filter(
        ticket__in=tickets_visible_to(user).filter(status__in=FAULT_DATABASE_STATUSES).values("pk")
    ).select_related("ticket", "product")
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


# --- what the pages show about one case ------------------------------------------------


def device_history(ticket) -> dict:
    """The device's history before a visit, in four queries: its other cases (patch and upgrade cases
    among them), visits and parts. Empty when the case has no device."""
    from tickets.models import Category, Ticket

    from .models import PartLine, Visit

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


def case_handling(ticket) -> dict:
    """Everything dispatch keeps on one case, for the case page panels: a fixed number of queries."""
    from .models import CaseDispatch, CommandLog, Escalation, FaultReport, RemoteSession, SolutionPlan, Visit

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


def visit_get_for_user(user: User, pk: int):
    """A visit on a case the user may see (404 otherwise), with its case, device, site and contact joined."""
    from django.shortcuts import get_object_or_404

    from tickets.access import tickets_visible_to

    from .models import Visit

    return get_object_or_404(
        Visit.objects.filter(ticket__in=tickets_visible_to(user).values("pk")).select_related(
            "engineer", "ticket__device__product", "ticket__device__site", "ticket__contact", "ticket__organisation"
        ),
        pk=pk,
    )


def case_object_for_user(user: User, model, pk: int, ticket_path: str = "ticket"):
    """A session, plan, log or operation on a case the user may see; 404 otherwise."""
    from django.shortcuts import get_object_or_404

    from tickets.access import tickets_visible_to

    return get_object_or_404(
        model.objects.filter(**{f"{ticket_path}__in": tickets_visible_to(user).values("pk")}).select_related(
            ticket_path
        ),
        pk=pk,
    )
