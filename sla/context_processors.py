"""Figures for the staff pages' chrome: unread notices (of every kind) and unofficial calendar years.

Both are lazy: a page that does not show them runs no query. The navbar shows them through the
``sla:nav`` fragment, so pages with pinned query counts stay as they are.
"""

from django.utils.functional import SimpleLazyObject

from notices.selectors import notice_unread_count

from .calendars import unofficial_years


def _unread(user) -> int:
    # The inbox index (recipient, read_at, -created_at) answers this without touching the rows.
    return notice_unread_count(user)


def sla(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff_member:
        return {}
    return {
        "sla_unread": SimpleLazyObject(lambda: _unread(user)),
        # Managers and administrators keep the calendar; they are the ones warned.
        "sla_unofficial_years": SimpleLazyObject(lambda: unofficial_years() if user.is_supervisor else []),
    }
