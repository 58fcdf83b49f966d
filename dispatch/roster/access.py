"""Who may see and change engineers' profiles and the duty roster (no case is involved)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from accounts.models import User


def can_manage_roster(user: User) -> bool:
    return user.is_supervisor


def ensure_roster_manager(actor: User | None) -> None:
    """For the services: no actor means the system (demo data, tasks)."""
    if actor is not None and not can_manage_roster(actor):
        raise PermissionDenied(gettext("Only after-sales managers manage engineers and the duty roster."))


def ensure_roster_page(user: User) -> None:
    """The roster pages are for managers only."""
    if not can_manage_roster(user):
        raise PermissionDenied(gettext("Only after-sales managers manage the duty roster."))
