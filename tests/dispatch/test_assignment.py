"""Engineer dispatch: ranking, the three modes, accept/decline, re-dispatch of cases not accepted in time."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from dispatch.events import DispatchEvent
from dispatch.models import AutoRule, CaseDispatch, DispatchMode, DispatchPolicy
from dispatch.roster.services import certification_add
from dispatch.services.assignment import (
    assignment_decline,
    dispatch_assign,
    dispatch_auto,
    dispatch_sweep_unaccepted,
    engineer_suggest,
    ticket_claim,
)
from dispatch.services.common import DispatchConflict
from tickets.lifecycle import Action, Status
from tickets.models import Category, EventKind, Ticket
from tickets.services import ticket_assign, ticket_transition
from warranty.models import ServiceContract

from ..factories import ContactFactory, make_staff, make_ticket

H = dt.timedelta(hours=1)


def names(suggestions):
    return [s.engineer.username for s in suggestions]


@pytest.fixture
def team(make_engineer):
    """Four engineers with different strengths for a storage array in 深圳."""
    return {
        "skilled": make_engineer("skilled", product_lines=["Storage"]),
        "local": make_engineer("local", regions=["广东省/深圳市"]),
        "both": make_engineer("both", product_lines=["Storage"], regions=["广东省"]),
        "neither": make_engineer("neither", product_lines=["Network"], regions=["北京市"]),
    }


def busy(engineer, n, customer):
    for _ in range(n):
        ticket_assign(ticket_id=make_ticket(contact=customer).pk, assignee=engineer, actor=None)


# --- ranking --------------------------------------------------------------------------


def test_ranking_puts_skill_then_region_then_duty_then_load(team, customer, storage_device, put_on_duty):
    put_on_duty(team["neither"])
    ticket = make_ticket(contact=customer, device=storage_device)

    ranked = engineer_suggest(ticket)

    assert names(ranked) == ["both", "skilled", "local", "neither"]
    both = ranked[0]
    assert "Handles Storage" in both.reasons
    assert "Works in 广东省 深圳市" in both.reasons
    assert "0 open cases (limit 10)" in both.reasons
    assert any(r.startswith("On duty now until") for r in ranked[-1].reasons)


def test_on_duty_and_then_load_decide_between_equal_engineers(make_engineer, customer, storage_device, put_on_duty):
    first = make_engineer("first", product_lines=["Storage"])
    second = make_engineer("second", product_lines=["Storage"])
    third = make_engineer("third", product_lines=["Storage"])
    busy(first, 2, customer)
    busy(second, 1, customer)
    put_on_duty(third)
    busy(third, 3, customer)

    ranked = engineer_suggest(make_ticket(contact=customer, device=storage_device))

    assert names(ranked) == ["third", "second", "first"]  # on duty beats load; then fewer open cases


def test_a_tie_is_broken_by_the_lowest_user_id(make_engineer, customer, storage_device):
    later = make_engineer("zhang", product_lines=["Storage"])
    earlier = make_engineer("an", product_lines=["Storage"])
    assert earlier.pk > later.pk  # created second

    ranked = engineer_suggest(make_ticket(contact=customer, device=storage_device))

    assert ranked[0].sort_key[:-1] == ranked[1].sort_key[:-1]  # the same facts: a real tie
    assert names(ranked) == ["zhang", "an"]
    assert names(engineer_suggest(make_ticket(contact=customer, device=storage_device))) == ["zhang", "an"]


def test_contract_dedicated_engineer_comes_first(team, customer, storage_device):
    dedicated = team["neither"]
    busy(dedicated, 4, customer)
    contract = ServiceContract.objects.create(
        organisation=customer.organisation,
        number="HT-2026-01",
        starts_on=timezone.localdate() - dt.timedelta(days=10),
        ends_on=timezone.localdate() + dt.timedelta(days=300),
        dedicated_engineer=dedicated,
    )
    contract.devices.add(storage_device)

    ranked = engineer_suggest(make_ticket(contact=customer, device=storage_device))

    assert ranked[0].engineer == dedicated
    assert ranked[0].dedicated
    assert "Dedicated engineer of contract HT-2026-01" in ranked[0].reasons


def test_an_expired_contract_names_no_dedicated_engineer(team, customer, storage_device):
    ServiceContract.objects.create(
        organisation=customer.organisation,
        number="HT-OLD",
        starts_on=timezone.localdate() - dt.timedelta(days=400),
        ends_on=timezone.localdate() - dt.timedelta(days=35),
        dedicated_engineer=team["neither"],
    )
    ranked = engineer_suggest(make_ticket(contact=customer, device=storage_device))
    assert not any(s.dedicated for s in ranked)


def test_engineers_at_their_load_limit_rank_after_the_others(make_engineer, customer, storage_device):
    full = make_engineer("full", product_lines=["Storage"], max_open_cases=1)
    make_engineer("free")
    busy(full, 1, customer)
    ranked = engineer_suggest(make_ticket(contact=customer, device=storage_device))
    assert names(ranked) == ["free", "full"]
    assert "At the load limit" in ranked[1].reasons


def test_patch_work_needs_a_certified_engineer(make_engineer, manager, customer, storage_device):
    plain = make_engineer("plain", product_lines=["Storage"])
    certified = make_engineer("certified")
    certification_add(engineer=certified, actor=manager, name="Patch L2", covers_patches=True)
    ticket = make_ticket(contact=customer, device=storage_device, category=Category.PATCH)

    assert names(engineer_suggest(ticket)) == ["certified", "plain"]
    with pytest.raises(ValidationError) as e:
        dispatch_assign(ticket_id=ticket.pk, engineer=plain, actor=manager)
    assert "patch-installation certificate" in e.value.messages[0]
    dispatch_assign(ticket_id=ticket.pk, engineer=certified, actor=manager)
    ticket.refresh_from_db()
    assert ticket.assignee == certified


# --- the manager assigns --------------------------------------------------------------


def test_manager_assignment_starts_the_acceptance_clock(manager, engineer, customer):
    ticket = make_ticket(contact=customer)
    before = timezone.now()
    dispatch_assign(ticket_id=ticket.pk, engineer=engineer, actor=manager, expected_assignee_id=None)
    state = CaseDispatch.objects.get(ticket=ticket)
    assert state.awaiting == engineer
    assert before + 29 * dt.timedelta(minutes=1) < state.accept_due_at <= timezone.now() + 30 * dt.timedelta(minutes=1)


def test_assigning_a_case_someone_else_just_assigned_is_refused(manager, engineer, other_engineer, customer):
    ticket = make_ticket(contact=customer)
    other_manager = make_staff(Role.MANAGER)
    dispatch_assign(ticket_id=ticket.pk, engineer=engineer, actor=other_manager, expected_assignee_id=None)
    events = ticket.events.count()

    with pytest.raises(DispatchConflict) as e:
        dispatch_assign(ticket_id=ticket.pk, engineer=other_engineer, actor=manager, expected_assignee_id=None)

    assert "was just assigned to" in e.value.message
    ticket.refresh_from_db()
    assert ticket.assignee == engineer
    assert ticket.events.count() == events


def test_engineers_do_not_dispatch(engineer, other_engineer, customer):
    ticket = make_ticket(contact=customer)
    with pytest.raises(PermissionDenied):
        dispatch_assign(ticket_id=ticket.pk, engineer=other_engineer, actor=engineer)


def test_assign_page_refuses_a_stale_form(client, manager, engineer, other_engineer, customer):
    ticket = make_ticket(contact=customer)
    dispatch_assign(ticket_id=ticket.pk, engineer=engineer, actor=manager)
    client.force_login(manager)
    response = client.post(
        reverse("dispatch:assign", args=[ticket.reference]),
        {"assignee": other_engineer.pk, "expected_assignee": ""},
        follow=True,
    )
    assert "was just assigned to" in response.text
    ticket.refresh_from_db()
    assert ticket.assignee == engineer


# --- the pool -------------------------------------------------------------------------


@pytest.fixture
def pool(department):
    return DispatchPolicy.objects.create(department=department, mode=DispatchMode.POOL, pool_requires_region=True)


def test_engineer_claims_a_case_within_the_rules(pool, team, customer, storage_device):
    ticket = make_ticket(contact=customer, device=storage_device)
    ticket_claim(ticket_id=ticket.pk, engineer=team["both"])
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.IN_PROGRESS, team["both"])
    assert f"Claimed from the pool by {team['both']}." in ticket.events.values_list("body", flat=True)


@pytest.mark.parametrize(("who", "why"), [("local", "Storage skill"), ("skilled", "outside your regions")])
def test_claim_outside_the_rules_is_refused(pool, team, customer, storage_device, who, why):
    ticket = make_ticket(contact=customer, device=storage_device)
    with pytest.raises(PermissionDenied) as e:
        ticket_claim(ticket_id=ticket.pk, engineer=team[who])
    assert why in str(e.value)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_claim_over_the_load_limit_is_refused(pool, make_engineer, customer, storage_device):
    engineer = make_engineer("li", product_lines=["Storage"], regions=["广东省"], max_open_cases=1)
    busy(engineer, 1, customer)
    with pytest.raises(PermissionDenied, match="limit of 1 open cases"):
        ticket_claim(ticket_id=make_ticket(contact=customer, device=storage_device).pk, engineer=engineer)


def test_second_claim_is_refused_plainly(pool, team, customer, storage_device):
    ticket = make_ticket(contact=customer, device=storage_device)
    ticket_claim(ticket_id=ticket.pk, engineer=team["both"])
    DispatchPolicy.objects.filter(pk=pool.pk).update(pool_requires_skill=False, pool_requires_region=False)
    with pytest.raises(DispatchConflict, match="already been taken"):
        ticket_claim(ticket_id=ticket.pk, engineer=team["local"])


def test_claiming_needs_pool_mode(team, customer, storage_device):
    with pytest.raises(PermissionDenied, match="dispatched by the manager"):
        ticket_claim(ticket_id=make_ticket(contact=customer, device=storage_device).pk, engineer=team["both"])


# --- automatic dispatch ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (AutoRule.DEDICATED, "both"),
        (AutoRule.FEWEST_OPEN, "local"),
        (AutoRule.SKILL, "skilled"),
        (AutoRule.REGION, "local"),
    ],
)
def test_automatic_dispatch_by_rule(department, team, customer, storage_device, celery_eager, rule, expected):
    busy(team["both"], 1, customer)
    busy(team["skilled"], 1, customer)
    busy(team["neither"], 1, customer)
    DispatchPolicy.objects.create(department=department, mode=DispatchMode.AUTO, auto_rule=rule)

    ticket = make_ticket(contact=customer, device=storage_device)  # dispatched when the case is created

    ticket.refresh_from_db()
    assert ticket.status == Status.ASSIGNED
    assert ticket.assignee.username == expected


def test_round_robin_takes_turns(department, make_engineer, customer, celery_eager):
    a, b = make_engineer("a"), make_engineer("b")
    DispatchPolicy.objects.create(
        department=department, mode=DispatchMode.AUTO, auto_rule=AutoRule.ROUND_ROBIN, enforce_load_limit=False
    )
    assignees = [Ticket.objects.get(pk=make_ticket(contact=customer).pk).assignee for _ in range(3)]
    assert assignees == [a, b, a]


def test_automatic_dispatch_with_nobody_eligible_tells_the_manager(department, manager, customer, celery_eager):
    manager.email = "boss@example.com"
    manager.save()
    DispatchPolicy.objects.create(department=department, mode=DispatchMode.AUTO)
    ticket = make_ticket(contact=customer)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert ticket.events.filter(kind=DispatchEvent.DISPATCH, data__action="auto_failed").exists()
    assert [m.to for m in mail.outbox] == [["boss@example.com"]]


def test_auto_dispatch_leaves_assigned_cases_alone(department, engineer, other_engineer, customer):
    ticket = make_ticket(contact=customer)
    ticket_assign(ticket_id=ticket.pk, assignee=engineer, actor=None)
    DispatchPolicy.objects.create(department=department, mode=DispatchMode.AUTO)
    assert dispatch_auto(ticket_id=ticket.pk) is None


# --- accept, decline, time-out ---------------------------------------------------------


def test_engineer_accepts(manager, engineer, customer):
    ticket = make_ticket(contact=customer)
    dispatch_assign(ticket_id=ticket.pk, engineer=engineer, actor=manager)
    ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert CaseDispatch.objects.get(ticket=ticket).accept_due_at is None


def test_only_the_assignee_accepts(manager, engineer, other_engineer, customer):
    ticket = make_ticket(contact=customer)
    dispatch_assign(ticket_id=ticket.pk, engineer=engineer, actor=manager)
    with pytest.raises(PermissionDenied):
        ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=other_engineer)


def test_decline_returns_the_case_to_the_manager_with_the_reason(manager, engineer, customer):
    manager.email = "boss@example.com"
    manager.save()
    ticket = make_ticket(contact=customer)
    dispatch_assign(ticket_id=ticket.pk, engineer=engineer, actor=manager)

    assignment_decline(ticket_id=ticket.pk, engineer=engineer, reason="On leave tomorrow")

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.NEW, None)
    event = ticket.events.get(kind=DispatchEvent.DISPATCH)
    assert (event.actor, event.body, event.data["action"]) == (engineer, "Declined: On leave tomorrow", "declined")
    assert CaseDispatch.objects.get(ticket=ticket).passed_over == [engineer.pk]
    assert mail.outbox[0].to == ["boss@example.com"]
    assert "On leave tomorrow" in mail.outbox[0].body


def test_decline_needs_a_reason(manager, engineer, customer):
    ticket = make_ticket(contact=customer)
    dispatch_assign(ticket_id=ticket.pk, engineer=engineer, actor=manager)
    with pytest.raises(ValidationError) as e:
        assignment_decline(ticket_id=ticket.pk, engineer=engineer, reason=" ")
    assert "reason" in e.value.message_dict


def test_a_case_not_accepted_in_time_is_dispatched_again_once(
    department, manager, make_engineer, customer, celery_eager
):
    manager.email = "boss@example.com"
    manager.save()
    first, second = make_engineer("first"), make_engineer("second")
    DispatchPolicy.objects.create(
        department=department, mode=DispatchMode.AUTO, auto_rule=AutoRule.FEWEST_OPEN, accept_minutes=15
    )
    ticket = make_ticket(contact=customer)
    ticket.refresh_from_db()
    assert ticket.assignee == first

    assert dispatch_sweep_unaccepted(now=timezone.now() + dt.timedelta(minutes=10)) == 0
    assert dispatch_sweep_unaccepted(now=timezone.now() + dt.timedelta(minutes=16)) == 1

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.ASSIGNED, second)  # the next engineer, not the same one
    timed_out = ticket.events.get(kind=DispatchEvent.DISPATCH)
    assert timed_out.data["action"] == "timed_out"
    assert "did not accept the case in time" in timed_out.body
    assert any("boss@example.com" in m.to for m in mail.outbox)
    state = CaseDispatch.objects.get(ticket=ticket)
    assert (state.redispatch_count, state.awaiting) == (1, second)


def test_an_accepted_case_is_not_swept(manager, engineer, customer):
    ticket = make_ticket(contact=customer)
    dispatch_assign(ticket_id=ticket.pk, engineer=engineer, actor=manager)
    ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
    assert dispatch_sweep_unaccepted(now=timezone.now() + 2 * H) == 0


def test_sweep_reads_only_due_rows(manager, engineer, customer, django_assert_num_queries):
    dispatch_assign(ticket_id=make_ticket(contact=customer).pk, engineer=engineer, actor=manager)
    # the due rows, on the accept_due_at index; nothing due → nothing else
    with django_assert_num_queries(1):
        assert dispatch_sweep_unaccepted(now=timezone.now()) == 0


# --- two at once, for real (PostgreSQL row locks) ---------------------------------------


def _race(calls):
    """Run the calls in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as e:  # noqa: BLE001 - the outcome is the point
            results[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_managers_assigning_at_once_one_wins(department):
    customer = ContactFactory()
    managers = [make_staff(Role.MANAGER), make_staff(Role.MANAGER)]
    engineers = [make_staff(Role.ENGINEER), make_staff(Role.ENGINEER)]
    ticket = make_ticket(contact=customer)

    results = _race(
        [
            lambda m=m, e=e: dispatch_assign(ticket_id=ticket.pk, engineer=e, actor=m, expected_assignee_id=None)
            for m, e in zip(managers, engineers, strict=True)
        ]
    )

    winners = [r for r in results if isinstance(r, Ticket)]
    losers = [r for r in results if isinstance(r, DispatchConflict)]
    assert (len(winners), len(losers)) == (1, 1), results
    ticket.refresh_from_db()
    assert ticket.assignee == winners[0].assignee
    assert ticket.events.filter(kind=EventKind.ASSIGNED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_engineers_claiming_at_once_one_wins(department):
    DispatchPolicy.objects.create(department=department, mode=DispatchMode.POOL, pool_requires_skill=False)
    customer = ContactFactory()
    engineers = [make_staff(Role.ENGINEER), make_staff(Role.ENGINEER)]
    ticket = make_ticket(contact=customer)

    results = _race([lambda e=e: ticket_claim(ticket_id=ticket.pk, engineer=e) for e in engineers])

    assert sorted(type(r).__name__ for r in results) == ["DispatchConflict", "Ticket"], results
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.events.filter(kind=EventKind.ASSIGNED).count() == 1
