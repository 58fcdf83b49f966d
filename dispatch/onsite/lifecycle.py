"""On-site support's three state machines: the visit, the major operation, the service application.

    visit:       decided → en route → on site → finished
                 decided → on site (checking in without "on my way")
    operation:   requested → approved (the customer's approval recorded) → done
    application: prepared → signed

A visit is *active* from the decision until it finishes (``ACTIVE_VISIT_STATUSES``): a case has at
most one, and only an active visit is planned or asks for a major operation. Operations and
applications keep no status column: their state is read from their timestamps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..lifecycle import Refusal, Transition, allowed, ensure

if TYPE_CHECKING:
    from .models import MajorOperation, ServiceApplication, Visit


# --- the visit ------------------------------------------------------------------------


class VisitStatus(models.TextChoices):
    DECIDED = "decided", _("Decided")
    EN_ROUTE = "en_route", _("On the way")
    ON_SITE = "on_site", _("On site")
    FINISHED = "finished", _("Finished")
    # No action leads here yet; kept so stored rows and the API's enum stay as they are.
    CANCELLED = "cancelled", _("Cancelled")


class VisitAction(models.TextChoices):
    PLAN = "plan"
    DEPART = "depart"
    ARRIVE = "arrive"
    REQUEST_OPERATION = "request_operation"
    FINISH = "finish"


ACTIVE_VISIT_STATUSES = frozenset({VisitStatus.DECIDED, VisitStatus.EN_ROUTE, VisitStatus.ON_SITE})

_VISIT_OVER = Refusal.invalid(_("This visit is over."))

VISIT_TRANSITIONS: dict[str, Transition] = {
    VisitAction.PLAN: Transition(ACTIVE_VISIT_STATUSES, None, _VISIT_OVER),
    VisitAction.DEPART: Transition(
        frozenset({VisitStatus.DECIDED}),
        VisitStatus.EN_ROUTE,
        Refusal.invalid(_("The engineer has already left for this visit.")),
    ),
    VisitAction.ARRIVE: Transition(
        frozenset({VisitStatus.DECIDED, VisitStatus.EN_ROUTE}),
        VisitStatus.ON_SITE,
        Refusal.invalid(_("The engineer has already checked in.")),
    ),
    VisitAction.REQUEST_OPERATION: Transition(ACTIVE_VISIT_STATUSES, None, _VISIT_OVER),
    VisitAction.FINISH: Transition(
        frozenset({VisitStatus.ON_SITE}),
        VisitStatus.FINISHED,
        Refusal.invalid(_("Only a visit on site can finish.")),
    ),
}


def visit_allowed_actions(visit: Visit) -> list[str]:
    return allowed(VISIT_TRANSITIONS, visit.status)


def ensure_visit_transition(visit: Visit, action: str) -> VisitStatus:
    """Return the status ``action`` leads to (the same one for plan and operations), or raise (400)."""
    return VisitStatus(ensure(VISIT_TRANSITIONS, visit.status, action))


# --- the major operation --------------------------------------------------------------


class OperationState(models.TextChoices):
    REQUESTED = "requested"
    APPROVED = "approved"
    DONE = "done"


class OperationAction(models.TextChoices):
    APPROVE = "approve"
    DONE = "done"


OPERATION_TRANSITIONS: dict[str, Transition] = {
    OperationAction.APPROVE: Transition(
        frozenset({OperationState.REQUESTED}),
        OperationState.APPROVED,
        Refusal.invalid(_("This operation is already approved.")),
    ),
    OperationAction.DONE: Transition(
        frozenset({OperationState.APPROVED}),
        OperationState.DONE,
        Refusal.forbidden(_("A major operation needs the customer's recorded approval before it is done.")),
        refusal_from={OperationState.DONE: Refusal.invalid(_("Already marked done."))},
    ),
}


def operation_state(operation: MajorOperation) -> OperationState:
    if operation.done_at is not None:
        return OperationState.DONE
    if operation.approved_at is not None:
        return OperationState.APPROVED
    return OperationState.REQUESTED


def operation_allowed_actions(operation: MajorOperation) -> list[str]:
    return allowed(OPERATION_TRANSITIONS, operation_state(operation))


def ensure_operation_transition(operation: MajorOperation, action: str) -> OperationState:
    """Return the state ``action`` leads to, or raise (403 for done without approval, else 400)."""
    return OperationState(ensure(OPERATION_TRANSITIONS, operation_state(operation), action))


# --- the technical-service application ------------------------------------------------


class ApplicationState(models.TextChoices):
    PREPARED = "prepared"
    SIGNED = "signed"


class ApplicationAction(models.TextChoices):
    SIGN = "sign"


APPLICATION_TRANSITIONS: dict[str, Transition] = {
    ApplicationAction.SIGN: Transition(
        frozenset({ApplicationState.PREPARED}),
        ApplicationState.SIGNED,
        Refusal.invalid(_("This application is already signed."), field="signature"),
    ),
}


def application_state(application: ServiceApplication) -> ApplicationState:
    return ApplicationState.SIGNED if application.signed_at is not None else ApplicationState.PREPARED


def application_allowed_actions(application: ServiceApplication) -> list[str]:
    return allowed(APPLICATION_TRANSITIONS, application_state(application))


def ensure_application_transition(application: ServiceApplication, action: str) -> ApplicationState:
    """Return the state ``action`` leads to, or raise (400 on ``signature``)."""
    return ApplicationState(ensure(APPLICATION_TRANSITIONS, application_state(application), action))
