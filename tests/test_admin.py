"""The admin edits reference data; a case's status changes only through the lifecycle."""

import pytest
from django.urls import reverse

from tests.factories import make_ticket
from tickets.lifecycle import Status
from tickets.models import Ticket


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "admin:tickets_ticket_changelist",
        "admin:tickets_department_changelist",
        "admin:tickets_routingrule_changelist",
        "admin:surveys_survey_changelist",
        "admin:customers_organisation_changelist",
        "admin:customers_device_changelist",
        "admin:accounts_user_changelist",
        "admin:warranty_servicecontract_changelist",
    ],
)
def test_admin_lists_open(admin_client, department, customer, url):
    make_ticket(contact=customer)
    assert admin_client.get(reverse(url)).status_code == 200


def test_case_admin_page_is_read_only(admin_client, department, customer):
    ticket = make_ticket(contact=customer)
    response = admin_client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    assert response.status_code == 200
    assert b'name="status"' not in response.content


def test_admin_cancel_action_goes_through_the_lifecycle(admin_client, department, customer):
    new = make_ticket(contact=customer)
    done = make_ticket(contact=customer)
    Ticket.objects.filter(pk=done.pk).update(status=Status.ARCHIVED)
    response = admin_client.post(
        reverse("admin:tickets_ticket_changelist"),
        {"action": "transition_cancel", "_selected_action": [new.pk, done.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    new.refresh_from_db()
    done.refresh_from_db()
    assert new.status == Status.CANCELLED
    assert new.events.filter(to_status=Status.CANCELLED, actor__username="admin").exists()
    assert done.status == Status.ARCHIVED, "an archived case cannot be cancelled"
    assert done.reference in response.content.decode()
