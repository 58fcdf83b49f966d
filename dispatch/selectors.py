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
