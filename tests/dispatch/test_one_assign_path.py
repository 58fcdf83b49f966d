"""Patch work goes only to a certified engineer, whichever way the case is assigned.

Every path (case page, tickets API, admin action, dispatch page and API, automatic dispatch, pool
claim) goes through the lifecycle's one ASSIGN and its guards, so each refuses with the same reason.
"""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from dispatch.events import DispatchEvent
from dispatch.models import DispatchMode, DispatchPolicy
from dispatch.roster.services import certification_add
from dispatch.services.assignment import dispatch_assign, dispatch_auto, ticket_claim
from tickets.lifecycle import Status
from tickets.models import Category, Ticket

from ..factories import make_ticket

REASON = "Patch and upgrade work needs an engineer with a valid patch-installation certificate."


@pytest.fixture
def patch_case(customer, storage_device):
    return make_ticket(contact=customer, device=storage_device, category=Category.PATCH)


@pytest.fixture
def plain(make_engineer):
    """An engineer with the product skill but no patch-installation certificate."""
    return make_engineer("plain", product_lines=["Storage"])


@pytest.fixture
def certified(make_engineer, manager):
    engineer = make_engineer("certified")
    certification_add(engineer=engineer, actor=manager, name="Patch L2", covers_patches=True)
    return engineer


def unassigned(ticket: Ticket) -> bool:
    ticket.refresh_from_db()
    return ticket.status == Status.NEW and ticket.assignee_id is None


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_case_page_assign_refuses_an_uncertified_engineer(client, manager, plain, patch_case):
    client.force_login(manager)
    response = client.post(
        reverse("tickets:transition", args=[patch_case.reference]), {"action": "assign", "assignee": plain.pk}
    )
    # The case page comes back with the reason next to the engineer field.
    assert response.status_code == 200
    assert REASON in response.text
    assert unassigned(patch_case)


def test_tickets_api_assign_refuses_an_uncertified_engineer(manager, plain, certified, patch_case):
    response = api_as(manager).post(f"/api/v1/tickets/{patch_case.pk}/assign/", {"assignee": plain.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["assignee"] == [REASON]
    assert unassigned(patch_case)

    response = api_as(manager).post(
        f"/api/v1/tickets/{patch_case.pk}/assign/", {"assignee": certified.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["assignee"]["id"] == certified.pk


def test_admin_assign_action_refuses_an_uncertified_engineer_and_assigns_the_rest(
    client, admin_user, plain, customer, patch_case
):
    fault = make_ticket(contact=customer)
    client.force_login(admin_user)
    url = reverse("admin:tickets_ticket_changelist")
    chosen = {"action": "assign_action", ACTION_CHECKBOX_NAME: [patch_case.pk, fault.pk]}

    form_page = client.post(url, chosen)
    assert form_page.status_code == 200
    assert patch_case.reference in form_page.text  # the cases are listed before anything happens

    response = client.post(url, {**chosen, "apply": "1", "engineer": plain.pk}, follow=True)
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert f"{patch_case.reference}: {REASON}" in shown
    assert unassigned(patch_case)
    fault.refresh_from_db()
    assert fault.assignee == plain


def test_dispatch_service_and_api_refuse_an_uncertified_engineer(manager, plain, patch_case):
    with pytest.raises(ValidationError) as e:
        dispatch_assign(ticket_id=patch_case.pk, engineer=plain, actor=manager)
    assert e.value.messages == [REASON]

    response = api_as(manager).post(
        f"/api/v1/dispatch-cases/{patch_case.pk}/assign/", {"engineer": plain.pk}, format="json"
    )
    assert response.status_code == 400
    assert REASON in str(response.json())
    assert unassigned(patch_case)


def test_dispatch_page_refuses_an_uncertified_engineer(client, manager, plain, patch_case):
    client.force_login(manager)
    response = client.post(
        reverse("dispatch:assign", args=[patch_case.reference]),
        {"assignee": plain.pk, "expected_assignee": ""},
    )
    assert REASON in [str(m) for m in get_messages(response.wsgi_request)]
    assert unassigned(patch_case)


def test_automatic_dispatch_never_picks_an_uncertified_engineer(department, plain, patch_case):
    DispatchPolicy.objects.create(department=department, mode=DispatchMode.AUTO)
    assert dispatch_auto(ticket_id=patch_case.pk) is None
    assert unassigned(patch_case)
    assert patch_case.events.filter(kind=DispatchEvent.DISPATCH, data__action="auto_failed").exists()


def test_pool_claim_refuses_an_uncertified_engineer(department, plain, patch_case):
    DispatchPolicy.objects.create(department=department, mode=DispatchMode.POOL)
    with pytest.raises(PermissionDenied) as e:
        ticket_claim(ticket_id=patch_case.pk, engineer=plain)
    assert str(e.value) == REASON
    response = api_as(plain).post(f"/api/v1/dispatch-cases/{patch_case.pk}/claim/")
    assert response.status_code == 403
    assert response.json()["detail"] == REASON
    assert unassigned(patch_case)


def test_the_assignment_entry_records_how_the_engineer_was_chosen(manager, certified, patch_case):
    dispatch_assign(ticket_id=patch_case.pk, engineer=certified, actor=manager)
    (event,) = patch_case.events.filter(kind="assigned")
    assert event.data["mode"] == DispatchMode.MANAGER
    assert event.data["assignee"] == certified.pk
