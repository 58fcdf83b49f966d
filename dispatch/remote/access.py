"""Who may act on remote support, on top of the one access rule (``tickets.access``).

The case's engineer or a supervisor requests, starts and ends sessions, writes plans and stores
logs (``dispatch.services.common.ensure_handler``); only the customer's own contact answers.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from accounts.models import User
from customers.access import is_contact_of
from tickets.models import Ticket

from ..services.common import ensure_sees


def is_customer_contact(user: User, ticket: Ticket) -> bool:
    return is_contact_of(user, ticket.organisation_id)


def ensure_customer(actor: User, ticket: Ticket) -> None:
    """Only the customer's contact approves or refuses (a case they cannot see answers like a missing one)."""
    ensure_sees(actor, ticket)
    if not is_customer_contact(actor, ticket):
        raise PermissionDenied(gettext("Only the customer's contact decides this."))
