"""The hotline quick-log: caller looked up by number as it is typed; Enter logs the call."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tickets.lifecycle import Action
from tickets.models import Channel, Priority, Ticket
from tickets.services import ticket_transition

from ..factories import ContactFactory, DeviceFactory, OrganisationFactory, make_ticket


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def caller(db, department):
    organisation = OrganisationFactory(name="Hangzhou Water", phone="0571-8888 1234")
    return ContactFactory(organisation=organisation, phone="139-1234-5678", first_name="Li Wei")


def lookup(client, phone):
    return client.get(reverse("tickets:hotline-lookup"), {"phone": phone}, headers={"HX-Request": "true"})


@pytest.mark.parametrize(
    ("persona", "status"),
    [("agent", 200), ("manager", 200), ("project_manager", 200), ("engineer", 403), ("customer", 403)],
)
def test_hotline_is_for_agents_and_managers(client, persona, status, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("tickets:hotline")).status_code == status
    assert client.get(reverse("tickets:hotline-lookup"), {"phone": "139"}).status_code == status


def test_hotline_page_is_keyboard_first(client, agent):
    client.force_login(agent)
    html = client.get(reverse("tickets:hotline")).text
    phone = html.split('name="phone"')[1].split(">")[0]
    assert "autofocus" in phone
    assert f'hx-get="{reverse("tickets:hotline-lookup")}"' in phone
    assert 'hx-trigger="input changed delay:250ms' in phone
    assert 'accesskey="u"' in html  # urgent is one keystroke away
    assert 'type="submit"' in html


def test_lookup_by_phone_prefix_finds_contact_organisation_devices_and_open_cases(client, agent, caller):
    today = timezone.localdate()
    covered = DeviceFactory(organisation=caller.organisation, serial_number="SN-COVERED")
    expired = DeviceFactory(
        organisation=caller.organisation,
        serial_number="SN-EXPIRED",
        delivered_on=today - datetime.timedelta(days=800),
    )
    open_case = make_ticket(contact=caller, subject="Pump controller alarm")
    closed_case = make_ticket(contact=caller, subject="Old question")
    ticket_transition(ticket_id=closed_case.pk, action=Action.CANCEL, actor=agent)
    stranger = ContactFactory(phone="13800000000")
    client.force_login(agent)

    response = lookup(client, "1391234")

    html = response.text
    assert response.status_code == 200
    assert "<html" not in html  # a partial for htmx
    assert "Li Wei" in html
    assert "Hangzhou Water" in html
    assert str(stranger) not in html
    covered_row = html.split("SN-COVERED")[1].split("</label>")[0]
    expired_row = html.split("SN-EXPIRED")[1].split("</label>")[0]
    assert "In warranty" in covered_row
    assert "Out of warranty" in expired_row
    assert open_case.reference in html
    assert closed_case.reference not in html
    # The one matching contact is picked already, with their organisation.
    assert f'value="{caller.pk}" id="contact-{caller.pk}" data-organisation="{caller.organisation_id}" checked' in html
    assert f'value="{caller.organisation_id}" id="org-{caller.organisation_id}" checked' in html
    assert covered.pk
    assert expired.pk


def test_lookup_ignores_separators_in_stored_numbers(client, agent, caller):
    client.force_login(agent)
    assert "Li Wei" in lookup(client, "139 1234").text
    # The organisation's switchboard number, typed without the dash and space.
    html = lookup(client, "05718888").text
    assert "Hangzhou Water" in html
    assert "Li Wei" not in html


def test_lookup_waits_for_a_few_digits(client, agent, caller):
    client.force_login(agent)
    html = lookup(client, "13").text
    assert "Li Wei" not in html
    assert "Keep typing" in html


def test_lookup_of_an_unknown_number_says_so(client, agent, caller):
    client.force_login(agent)
    assert "No contact or organisation has this number" in lookup(client, "010999").text


def test_logging_a_call_creates_a_hotline_case_and_shows_a_fresh_form(client, agent, caller):
    device = DeviceFactory(organisation=caller.organisation)
    client.force_login(agent)

    response = client.post(
        reverse("tickets:hotline"),
        {
            "phone": "13912345678",
            "contact": caller.pk,
            "organisation": caller.organisation_id,
            "device": device.pk,
            "category": "fault",
            "priority": "urgent",
            "subject": "Pump controller offline",
            "description": "Called at night",
        },
        follow=True,
    )

    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.contact, ticket.organisation, ticket.device, ticket.priority) == (
        Channel.HOTLINE,
        caller,
        caller.organisation,
        device,
        Priority.URGENT,
    )
    assert ticket.created_by == agent
    assert response.redirect_chain == [(reverse("tickets:hotline"), 302)]
    assert "Call logged as" in response.text
    assert ticket.reference in response.text
    assert 'value="Pump controller offline"' not in response.text  # a fresh form


def test_the_contact_decides_the_organisation(client, agent, caller):
    elsewhere = OrganisationFactory()
    client.force_login(agent)
    client.post(
        reverse("tickets:hotline"),
        {
            "phone": "139",
            "contact": caller.pk,
            "organisation": elsewhere.pk,
            "category": "consultation",
            "priority": "normal",
            "subject": "How do I reset?",
            "description": "Asked on the phone",
        },
    )
    assert Ticket.objects.get().organisation == caller.organisation


def test_unknown_caller_can_still_be_logged(client, agent, db, department):
    client.force_login(agent)
    client.post(
        reverse("tickets:hotline"),
        {
            "phone": "021-5555 0000",
            "requester_name": "Mr Zhang",
            "category": "consultation",
            "priority": "normal",
            "subject": "Price of spare fans",
            "description": "Wants a quote",
        },
    )
    ticket = Ticket.objects.get()
    assert (ticket.contact, ticket.organisation) == (None, None)
    assert (ticket.requester_name, ticket.requester_phone) == ("Mr Zhang", "021-5555 0000")
    assert ticket.channel == Channel.HOTLINE


def test_a_call_with_no_caller_at_all_is_refused_next_to_the_phone(client, agent, db):
    client.force_login(agent)
    response = client.post(
        reverse("tickets:hotline"),
        {"category": "fault", "priority": "normal", "subject": "s", "description": "d"},
    )
    assert response.status_code == 200
    assert 'id="phone-errors"' in response.text
    assert not Ticket.objects.exists()


def test_a_rejected_call_keeps_the_lookup_and_what_was_typed(client, agent, caller):
    client.force_login(agent)
    response = client.post(
        reverse("tickets:hotline"),
        {
            "phone": "1391234",
            "contact": caller.pk,
            "category": "fault",
            "priority": "urgent",
            "subject": "",
            "description": "Line noise",
        },
    )
    assert response.status_code == 200
    html = response.text
    assert "Line noise</textarea>" in html
    assert f'id="contact-{caller.pk}" data-organisation="{caller.organisation_id}" checked' in html
    assert 'value="urgent" checked' in html
    assert not Ticket.objects.exists()


def test_a_device_of_another_organisation_is_refused(client, agent, caller):
    foreign = DeviceFactory()
    client.force_login(agent)
    response = client.post(
        reverse("tickets:hotline"),
        {
            "phone": "139",
            "contact": caller.pk,
            "device": foreign.pk,
            "category": "fault",
            "priority": "normal",
            "subject": "s",
            "description": "d",
        },
    )
    assert response.status_code == 200
    assert "does not belong" in response.text
    assert not Ticket.objects.exists()
