"""The five dispatch state machines as data: what each allows, and how a refused move is answered."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dispatch.onsite.lifecycle import (
    ACTIVE_VISIT_STATUSES,
    APPLICATION_TRANSITIONS,
    OPERATION_TRANSITIONS,
    VISIT_TRANSITIONS,
    OperationAction,
    VisitAction,
    VisitStatus,
    ensure_operation_transition,
    ensure_visit_transition,
)
from dispatch.onsite.models import MajorOperation, Visit
from dispatch.remote.lifecycle import (
    PLAN_TRANSITIONS,
    SESSION_TRANSITIONS,
    PlanAction,
    PlanStatus,
    SessionAction,
    SessionStatus,
    ensure_plan_transition,
    ensure_session_transition,
)
from dispatch.remote.models import RemoteSession, SolutionPlan


@pytest.mark.parametrize(
    "table", [SESSION_TRANSITIONS, PLAN_TRANSITIONS, VISIT_TRANSITIONS, OPERATION_TRANSITIONS, APPLICATION_TRANSITIONS]
)
def test_every_transition_has_a_source_and_a_refusal(table):
    for transition in table.values():
        assert transition.sources
        assert transition.refusal.message


def test_session_starts_only_once_approved():
    assert ensure_session_transition(RemoteSession(status=SessionStatus.APPROVED), SessionAction.START) == "started"
    with pytest.raises(PermissionDenied, match="without the customer's approval"):
        ensure_session_transition(RemoteSession(status=SessionStatus.REQUESTED), SessionAction.START)


def test_answered_session_cannot_be_answered_again():
    with pytest.raises(ValidationError) as refused:
        ensure_session_transition(RemoteSession(status=SessionStatus.REFUSED), SessionAction.APPROVE)
    assert refused.value.message_dict == {"status": ["This remote session has already been answered."]}


def test_only_an_open_session_or_plan_waits_for_the_customer():
    assert RemoteSession(status=SessionStatus.REQUESTED).is_open
    assert not RemoteSession(status=SessionStatus.APPROVED).is_open
    assert SolutionPlan(status=PlanStatus.SUBMITTED).is_open
    assert not SolutionPlan(status=PlanStatus.APPROVED).is_open


def test_plan_is_carried_out_only_once_approved():
    assert SolutionPlan(status=PlanStatus.APPROVED).allowed_actions == [PlanAction.CARRY_OUT]
    with pytest.raises(PermissionDenied):
        ensure_plan_transition(SolutionPlan(status=PlanStatus.REJECTED), PlanAction.CARRY_OUT)


def test_active_visit_is_one_definition():
    for status in VisitStatus:
        assert Visit(status=status).is_active == (status in ACTIVE_VISIT_STATUSES)
    assert Visit(status=VisitStatus.DECIDED).allowed_actions == ["plan", "depart", "arrive", "request_operation"]
    with pytest.raises(ValidationError, match="This visit is over."):
        ensure_visit_transition(Visit(status=VisitStatus.FINISHED), VisitAction.PLAN)


def test_operation_state_comes_from_its_timestamps():
    from django.utils import timezone

    now = timezone.now()
    with pytest.raises(PermissionDenied):
        ensure_operation_transition(MajorOperation(), OperationAction.DONE)
    assert ensure_operation_transition(MajorOperation(approved_at=now), OperationAction.DONE) == "done"
    with pytest.raises(ValidationError, match="Already marked done."):
        ensure_operation_transition(MajorOperation(approved_at=now, done_at=now), OperationAction.DONE)
