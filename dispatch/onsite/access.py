"""Who may act on a visit, on top of the one access rule (``tickets.access``).

The case's engineer or a supervisor decides a visit and records parts
(``dispatch.services.common.ensure_handler``); what happens during the visit is recorded by the
visiting engineer or a supervisor.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from accounts.models import User
from tickets.models import Ticket

from ..services.common import ensure_sees
from .models import Visit


def can_work_visit(user: User, visit: Visit) -> bool:
    return user.is_supervisor or user.pk == visit.engineer_id


def ensure_visit_worker(actor: User, visit: Visit, ticket: Ticket) -> None:
    ensure_sees(actor, ticket)
    ensure_works_visit(actor, visit)


def ensure_works_visit(actor: User, visit: Visit) -> None:
    """For a visit already read through the access rule (the visit page's forms)."""
    if not can_work_visit(actor, visit):
        raise PermissionDenied(gettext("Only the visiting engineer or a manager records this."))
