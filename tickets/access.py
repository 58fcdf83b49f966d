"""The one access rule: which cases a user may see, and what they may do to one.

Every list and detail, on the pages and in the API, starts from ``tickets_visible_to``;
an object outside it answers 404, never 403, so its existence does not leak.
"""

from django.db.models import Q, QuerySet

from accounts.roles import Role
from customers.access import NOTHING, is_contact_of, organisation_q

from .lifecycle import Action, Status
from .models import Ticket

# Hotline agents see every case: they look up a caller's open cases while on the phone.
_SEE_ALL = frozenset({Role.AGENT, Role.MANAGER, Role.PROJECT_MANAGER, Role.ADMIN})


def ticket_visibility_q(user) -> Q | None:
    """A filter for the cases ``user`` may see; ``None`` means all of them."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.roles & _SEE_ALL:
        return None
    q = Q(pk__in=[])
    if Role.ENGINEER in user.roles:
        q |= Q(assignee=user) | Q(assignee__isnull=True, status=Status.NEW)
    if Role.CUSTOMER in user.roles:
        # (A staff member with a customer role sees cases by their staff roles only.)
        q |= organisation_q(user) or NOTHING
    return q


def tickets_visible_to(user, queryset: QuerySet[Ticket] | None = None) -> QuerySet[Ticket]:
    qs = Ticket.objects.all() if queryset is None else queryset
    q = ticket_visibility_q(user)
    return qs if q is None else qs.filter(q)


def can_see(user, ticket: Ticket) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.roles & _SEE_ALL:
        return True
    if Role.ENGINEER in user.roles and (
        ticket.assignee_id == user.pk or (ticket.assignee_id is None and ticket.status == Status.NEW)
    ):
        return True
    return _is_customer_of(user, ticket)


def _is_customer_of(user, ticket: Ticket) -> bool:
    return is_contact_of(user, ticket.organisation_id)


def can_perform(user, ticket: Ticket, action: Action) -> bool:
    """Whether ``user``'s role lets them take ``action`` on ``ticket`` (the lifecycle decides if it is allowed now)."""
    if not can_see(user, ticket):
        return False
    if user.is_supervisor:
        return True
    is_assignee = ticket.assignee_id is not None and ticket.assignee_id == user.pk
    match action:
        case Action.START | Action.WAIT | Action.RESOLVE | Action.UNASSIGN:
            return is_assignee  # an engineer hands back (declines) only what was given to them
        case Action.RESUME:
            return is_assignee or _is_customer_of(user, ticket)
        case Action.CANCEL:
            if Role.AGENT in user.roles:
                return True
            # A customer may withdraw their request until an engineer has started on it.
            return _is_customer_of(user, ticket) and ticket.status in (Status.NEW, Status.ASSIGNED)
        case _:
            return False


def can_comment(user, ticket: Ticket, *, internal: bool = False) -> bool:
    if not can_see(user, ticket):
        return False
    if internal:
        return user.is_staff_member
    return True


def can_edit(user, ticket: Ticket) -> bool:
    """Changing a case's facts (subject, category, priority, device, department) is staff work."""
    return can_see(user, ticket) and (
        user.is_supervisor or user.has_role(Role.AGENT) or (user.is_engineer and ticket.assignee_id == user.pk)
    )
