"""Roster reads: who is on duty now, the roster between two moments, engineers' profiles."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

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
        qs = qs.filter(Q(department_id=department_id) | Q(department__isnull=True))
    return qs.order_by("starts_at", "id")


def duty_list_between(*, start: dt.datetime, end: dt.datetime) -> QuerySet[DutyShift]:
    """The roster as a calendar shows it: every shift overlapping [start, end)."""
    return (
        DutyShift.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("engineer", "department", "organisation")
        .order_by("starts_at", "id")
    )


def engineer_profile_list() -> QuerySet[EngineerProfile]:
    return EngineerProfile.objects.select_related("user").order_by("user__first_name", "user__username")
