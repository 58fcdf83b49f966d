"""The one access rule, as every list and detail uses it."""

import pytest

from tests.factories import make_ticket
from tickets.access import can_see, tickets_visible_to
from tickets.lifecycle import Action
from tickets.services import ticket_transition


@pytest.fixture
def cases(db, department, customer, other_customer, manager, engineer, other_engineer):
    mine = make_ticket(contact=customer)
    theirs = make_ticket(contact=other_customer)
    assigned_to_me = make_ticket(contact=other_customer)
    assigned_to_other = make_ticket(contact=customer)
    ticket_transition(ticket_id=assigned_to_me.pk, action=Action.ASSIGN, actor=manager, assignee=engineer)
    ticket_transition(ticket_id=assigned_to_other.pk, action=Action.ASSIGN, actor=manager, assignee=other_engineer)
    for ticket in (assigned_to_me, assigned_to_other):
        ticket.refresh_from_db()
    return {"mine": mine, "theirs": theirs, "assigned_to_me": assigned_to_me, "assigned_to_other": assigned_to_other}


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("customer", {"mine", "assigned_to_other"}),
        ("other_customer", {"theirs", "assigned_to_me"}),
        ("engineer", {"mine", "theirs", "assigned_to_me"}),  # own work plus the unassigned queue
        ("agent", {"mine", "theirs", "assigned_to_me", "assigned_to_other"}),
        ("manager", {"mine", "theirs", "assigned_to_me", "assigned_to_other"}),
        ("project_manager", {"mine", "theirs", "assigned_to_me", "assigned_to_other"}),
        ("admin_user", {"mine", "theirs", "assigned_to_me", "assigned_to_other"}),
    ],
)
def test_each_role_sees_exactly_its_cases_in_lists_and_details(request, cases, persona, visible):
    user = request.getfixturevalue(persona)
    listed = {name for name, t in cases.items() if tickets_visible_to(user).filter(pk=t.pk).exists()}
    assert listed == visible
    assert {name for name, t in cases.items() if can_see(user, t)} == visible


def test_inactive_user_sees_nothing(cases, manager):
    manager.is_active = False
    manager.save()
    manager.__dict__.pop("roles", None)
    assert not tickets_visible_to(manager).exists()


def test_contact_without_organisation_sees_nothing(cases, customer):
    customer.organisation = None
    assert not tickets_visible_to(customer).exists()
