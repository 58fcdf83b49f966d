"""The organisation rule, in one place: a customer contact sees only their own organisation's records.

Staff see every organisation's; a customer contact sees rows of their organisation; anyone else
(inactive, anonymous, a contact without an organisation) sees nothing. Every customer-facing query
and object lookup starts here (cases add their own role rules in ``tickets.access``), and an object
outside it answers 404, so its existence does not leak.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

if TYPE_CHECKING:
    from accounts.models import User

NOTHING = Q(pk__in=[])


def organisation_q(user: User | Any, path: str = "organisation") -> Q | None:
    """A filter for the rows ``user`` may see, where ``path`` leads from the row to its organisation
    (``""``: the row is the organisation). ``None`` means every row (staff)."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_staff_member:
        return None
    if user.organisation_id is None:
        return NOTHING
    return Q(**{f"{path}_id" if path else "pk": user.organisation_id})


def visible_to(user: User | Any, queryset: QuerySet, path: str = "organisation") -> QuerySet:
    """``queryset`` narrowed by the organisation rule."""
    q = organisation_q(user, path)
    return queryset if q is None else queryset.filter(q)


def is_contact_of(user: User | Any, organisation_id: int | None) -> bool:
    """Whether ``user`` is a customer contact of that organisation (who approves, signs, answers for it)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_customer
        and user.organisation_id is not None
        and user.organisation_id == organisation_id
    )
