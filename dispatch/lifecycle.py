"""What dispatch's five small state machines share: a transition table as data, and one check.

Each sub-package's ``lifecycle.py`` (remote sessions and solution plans in ``dispatch.remote``;
visits, major operations and the service application in ``dispatch.onsite``) writes its table
with these pieces, like ``tickets.lifecycle`` does for the case:

    TRANSITIONS = {Action.START: Transition(frozenset({Status.APPROVED}), Status.STARTED, Refusal.forbidden(...))}

A refused move raises the error these moves have always answered with: most are invalid input
(``ValidationError`` on a field, 400), the approval gates are ``PermissionDenied`` (403); the text
is the one people already see. Services call ``ensure``; pages, panels and templates ask
``allowed`` (through the model's ``allowed_actions``) instead of spelling the rules again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext

from tickets.lifecycle import OPEN_STATUSES

if TYPE_CHECKING:
    from tickets.models import Ticket


@dataclass(frozen=True)
class Refusal:
    """How a move the table does not allow is answered."""

    message: Promise
    field: str | None = "status"  # None: PermissionDenied (403); else ValidationError on this field (400)

    @classmethod
    def invalid(cls, message: Promise, field: str = "status") -> Refusal:
        return cls(message, field)

    @classmethod
    def forbidden(cls, message: Promise) -> Refusal:
        return cls(message, None)

    def error(self) -> Exception:
        if self.field is None:
            return PermissionDenied(str(self.message))
        return ValidationError({self.field: [str(self.message)]})


@dataclass(frozen=True, eq=False)
class Transition:
    """From which states an action may be taken, the state it leads to, and how it is refused."""

    sources: frozenset[str]
    target: str | None  # None: the action is taken within the state (it stays)
    refusal: Refusal
    # A different answer from some states (a major operation already done is not "waiting for approval").
    refusal_from: Mapping[str, Refusal] = field(default_factory=dict)


def allowed(table: Mapping[str, Transition], state: str) -> list[str]:
    """The actions the table allows from ``state``, in the table's order."""
    return [action for action, t in table.items() if state in t.sources]


def ensure(table: Mapping[str, Transition], state: str, action: str) -> str:
    """Return the state ``action`` leads to from ``state``, or raise the transition's refusal."""
    transition = table[action]
    if state not in transition.sources:
        raise transition.refusal_from.get(state, transition.refusal).error()
    return transition.target if transition.target is not None else state


def ensure_case_open(ticket: Ticket) -> None:
    """Remote work and visits start only on an open case (``tickets.lifecycle.OPEN_STATUSES``)."""
    if ticket.status not in OPEN_STATUSES:
        raise ValidationError({"ticket": [gettext("This case is not open.")]})
