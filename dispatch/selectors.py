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
