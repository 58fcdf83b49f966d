import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from tests.factories import make_ticket
from tickets.lifecycle import Action, InvalidTransition, Status
from tickets.models import EventKind, Ticket
from tickets.services import ticket_transition

# The product's lifecycle, written out by hand (not derived from TRANSITIONS) so a change to
# the code's transitions fails here until this table is changed too: action -> {from status: to status}.
EXPECTED = {
    Action.ASSIGN: {s: Status.ASSIGNED for s in ("new", "assigned", "in_progress", "waiting", "reopened")},
    Action.UNASSIGN: {"assigned": Status.NEW},
    Action.START: {"assigned": Status.IN_PROGRESS, "reopened": Status.IN_PROGRESS},
    Action.WAIT: {"in_progress": Status.WAITING},
    Action.RESUME: {"waiting": Status.IN_PROGRESS},
    Action.RESOLVE: {"in_progress": Status.RESOLVED, "waiting": Status.RESOLVED},
    Action.REOPEN: {"resolved": Status.REOPENED},
    Action.ARCHIVE: {"resolved": Status.ARCHIVED},
    Action.CANCEL: {s: Status.CANCELLED for s in ("new", "assigned", "in_progress", "waiting", "reopened")},
}

CASES = [(action, status) for action in Action for status in Status]


def _in_status(status: Status, engineer) -> Ticket:
    ticket = make_ticket()
    # Test setup only: real code never writes status directly.
    Ticket.objects.filter(pk=ticket.pk).update(status=status, assignee=engineer)
    return ticket


def _kwargs(action: Action, engineer) -> dict:
    return {
        Action.ASSIGN: {"assignee": engineer},
        Action.WAIT: {"note": "Please send the logs."},
        Action.RESOLVE: {"resolution": "Replaced the disk."},
    }.get(action, {})


@pytest.mark.parametrize(("action", "status"), CASES, ids=[f"{a.value}-from-{s.value}" for a, s in CASES])
def test_each_transition_is_allowed_or_refused_as_the_lifecycle_says(db, department, manager, engineer, action, status):
    ticket = _in_status(status, engineer)
    expected = EXPECTED[action].get(status.value)
    if expected is None:
        with pytest.raises(InvalidTransition) as exc:
            ticket_transition(ticket_id=ticket.pk, action=action, actor=manager, **_kwargs(action, engineer))
        assert str(status.label) in exc.value.message
        ticket.refresh_from_db()
        assert ticket.status == status, "a refused transition changes nothing"
        assert not ticket.events.filter(kind__in=[EventKind.STATUS, EventKind.ASSIGNED]).exists()
    else:
        result = ticket_transition(ticket_id=ticket.pk, action=action, actor=manager, **_kwargs(action, engineer))
        assert result.status == expected
        event = ticket.events.filter(kind__in=[EventKind.STATUS, EventKind.ASSIGNED]).get()
        assert (event.from_status, event.to_status, event.actor) == (status, expected, manager)


def test_every_transition_leaves_an_event_with_who_when_from_to_and_comment(db, department, manager, engineer):
    ticket = make_ticket()
    ticket_transition(ticket_id=ticket.pk, action=Action.ASSIGN, actor=manager, assignee=engineer, note="yours")
    ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
    ticket_transition(ticket_id=ticket.pk, action=Action.WAIT, actor=engineer, note="Which firmware?")
    events = list(ticket.events.exclude(kind=EventKind.CREATED).values_list("from_status", "to_status", "body"))
    assert events == [
        ("new", "assigned", "yours"),
        ("assigned", "in_progress", ""),
        ("in_progress", "waiting", "Which firmware?"),
    ]
    ticket.refresh_from_db()
    assert ticket.assigned_at
    assert ticket.started_at
    assert ticket.first_response_at


def test_resolving_without_a_resolution_is_rejected(db, department, manager, engineer):
    ticket = _in_status(Status.IN_PROGRESS, engineer)
    with pytest.raises(ValidationError) as exc:
        ticket_transition(ticket_id=ticket.pk, action=Action.RESOLVE, actor=engineer, resolution="  ")
    assert "resolution" in exc.value.message_dict
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_asking_the_customer_needs_a_question(db, department, engineer):
    ticket = _in_status(Status.IN_PROGRESS, engineer)
    with pytest.raises(ValidationError) as exc:
        ticket_transition(ticket_id=ticket.pk, action=Action.WAIT, actor=engineer)
    assert "note" in exc.value.message_dict


def test_assigning_to_someone_who_is_not_an_engineer_is_rejected(db, department, manager, agent):
    ticket = make_ticket()
    with pytest.raises(ValidationError) as exc:
        ticket_transition(ticket_id=ticket.pk, action=Action.ASSIGN, actor=manager, assignee=agent)
    assert "assignee" in exc.value.message_dict


def test_engineer_cannot_resolve_a_case_assigned_to_someone_else(db, department, engineer, other_engineer):
    ticket = _in_status(Status.IN_PROGRESS, other_engineer)
    with pytest.raises(PermissionDenied):
        ticket_transition(ticket_id=ticket.pk, action=Action.RESOLVE, actor=engineer, resolution="done")


def test_customer_may_cancel_own_new_request_but_not_one_in_progress(db, department, customer, engineer):
    fresh = make_ticket(contact=customer)
    ticket_transition(ticket_id=fresh.pk, action=Action.CANCEL, actor=customer)
    fresh.refresh_from_db()
    assert fresh.status == Status.CANCELLED
    assert fresh.closed_at

    busy = make_ticket(contact=customer)
    Ticket.objects.filter(pk=busy.pk).update(status=Status.IN_PROGRESS, assignee=engineer)
    with pytest.raises(PermissionDenied):
        ticket_transition(ticket_id=busy.pk, action=Action.CANCEL, actor=customer)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_moving_the_same_case_at_once_one_wins_and_nothing_is_half_written(department, manager, engineer):
    """Both accept the same assigned case at the same moment; the row lock lets one through."""
    ticket = make_ticket()
    ticket_transition(ticket_id=ticket.pk, action=Action.ASSIGN, actor=manager, assignee=engineer)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept():
        try:
            barrier.wait()
            ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
            outcomes.append("won")
        except InvalidTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "won"]
    assert ticket.events.filter(to_status=Status.IN_PROGRESS).count() == 1
