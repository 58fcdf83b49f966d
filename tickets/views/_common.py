"""What every case page needs: role checks, mapping service errors onto forms, paging without COUNT."""

from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

# Who may open a case for someone else (the roles holding tickets.add_ticket among staff).
CREATOR_ROLES = (Role.AGENT, Role.MANAGER, Role.PROJECT_MANAGER, Role.ADMIN)
# Who takes calls on the hotline: agents, and the managers who stand in for them.
HOTLINE_ROLES = (Role.AGENT, Role.MANAGER, Role.PROJECT_MANAGER, Role.ADMIN)


def _require(check: Callable, message: str):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def staff_required(view):
    return _require(lambda u: u.is_staff_member, _("This page is for service desk staff."))(view)


def customer_required(view):
    return _require(lambda u: u.is_customer, _("This page is for customer contacts."))(view)


def roles_required(*roles: Role):
    return _require(lambda u: u.has_role(*roles), _("Your role does not give access to this page."))


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to its field when the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


MAX_PAGE = 100_000


def page_without_count(queryset: QuerySet, request, *, size: int) -> tuple[list, int, bool]:
    """One page of rows and whether another follows, read as size + 1 rows: no COUNT(*)."""
    try:
        # Capped: a page number past any real page would otherwise overflow the database's OFFSET.
        number = min(max(1, int(request.GET.get("page", 1))), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    return rows[:size], number, len(rows) > size
