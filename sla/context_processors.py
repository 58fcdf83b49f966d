"""SLA figures for the staff pages' chrome: unread notifications and unofficial calendar years.

Both are lazy: a page that does not show them runs no query. The navbar shows them through the
``sla:nav`` fragment, so pages with pinned query counts stay as they are.
"""

from django.utils.functional import SimpleLazyObject

from .calendars import unofficial_years
from .models import Notification


def _unread(user) -> int:
    # The inbox index (recipient, read_at, -created_at) answers this without touching the rows.
    return Notification.objects.filter(recipient=user, read_at=None).count()


def sla(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff_member:
        return {}
    return {
        "sla_unread": SimpleLazyObject(lambda: _unread(user)),
        # Managers and administrators keep the calendar; they are the ones warned.
        "sla_unofficial_years": SimpleLazyObject(lambda: unofficial_years() if user.is_supervisor else []),
    }
