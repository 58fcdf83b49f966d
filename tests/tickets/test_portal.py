"""The customer portal: my organisation's cases, what is asked of me, a new request, one case."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surveys.models import Survey
from tickets.lifecycle import Action, Status
from tickets.models import Attachment, Channel, Priority, Ticket
from tickets.services import ticket_assign, ticket_transition

from ..factories import ContactFactory, DeviceFactory, make_ticket

PDF = b"%PDF-1.4\n% test\n"


@pytest.fixture(autouse=True)
def _english(settings):
    # Assertions read English text; without this they would break once Chinese is compiled.
    settings.LANGUAGE_CODE = "en"


def pdf(name="report.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def exe(name="setup.exe"):
    return SimpleUploadedFile(name, b"MZ\x90\x00", content_type="application/octet-stream")


def _in_progress(ticket, manager, engineer):
    ticket_assign(ticket_id=ticket.pk, assignee=engineer, actor=manager)
    return ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)


# --- the list ---------------------------------------------------------------------------


def test_customer_sees_only_own_organisation_tickets(client, customer, other_customer):
    colleague = ContactFactory(organisation=customer.organisation)
    mine = make_ticket(contact=colleague, subject="Colleague's printer")
    theirs = make_ticket(contact=other_customer, subject="Someone else's router")
    client.force_login(customer)

    response = client.get(reverse("tickets:portal"))

    assert response.status_code == 200
    assert mine.reference in response.text
    assert "Colleague&#x27;s printer" in response.text
    assert theirs.reference not in response.text


def test_portal_lists_what_is_asked_of_the_customer(client, customer, manager, engineer, celery_eager):
    waiting = make_ticket(contact=customer, subject="Need the logs")
    _in_progress(waiting, manager, engineer)
    ticket_transition(ticket_id=waiting.pk, action=Action.WAIT, actor=engineer, note="Send the logs, please")
    resolved = make_ticket(contact=customer, subject="Fixed disk")
    _in_progress(resolved, manager, engineer)
    ticket_transition(ticket_id=resolved.pk, action=Action.RESOLVE, actor=engineer, resolution="Replaced the disk")
    survey = Survey.objects.get(ticket=resolved)
    client.force_login(customer)

    response = client.get(reverse("tickets:portal"))

    asked = response.text.split('id="asked-heading"')[1].split("</section>")[0]
    assert reverse("tickets:portal-case", args=[waiting.reference]) in asked
    assert reverse("surveys:answer", args=[survey.token]) in asked


def test_portal_says_when_nothing_is_asked(client, customer):
    make_ticket(contact=customer)
    client.force_login(customer)
    response = client.get(reverse("tickets:portal"))
    assert "Nothing right now" in response.text


@pytest.mark.parametrize("persona", ["agent", "engineer", "manager"])
def test_staff_cannot_open_the_portal(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("tickets:portal")).status_code == 403
    assert client.get(reverse("tickets:portal-new")).status_code == 403


def test_portal_needs_login(client, db):
    response = client.get(reverse("tickets:portal"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- a new request ----------------------------------------------------------------------


def test_portal_new_offers_only_the_organisations_devices(client, customer, other_customer):
    mine = DeviceFactory(organisation=customer.organisation)
    theirs = DeviceFactory(organisation=other_customer.organisation)
    client.force_login(customer)

    response = client.get(reverse("tickets:portal-new"))

    assert response.status_code == 200
    assert mine.serial_number in response.text
    assert theirs.serial_number not in response.text


def test_portal_create_with_a_good_attachment(client, customer):
    device = DeviceFactory(organisation=customer.organisation)
    client.force_login(customer)

    response = client.post(
        reverse("tickets:portal-new"),
        {
            "category": "fault",
            "priority": "urgent",
            "device": device.pk,
            "subject": "Array offline",
            "description": "Since 09:00",
            "attachments": [pdf(), pdf("second.pdf")],
        },
    )

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:portal-case", args=[ticket.reference])
    assert (ticket.channel, ticket.priority, ticket.contact, ticket.device) == (
        Channel.PORTAL,
        Priority.URGENT,
        customer,
        device,
    )
    assert sorted(a.filename for a in ticket.attachments.all()) == ["report.pdf", "second.pdf"]


def test_portal_create_with_a_bad_attachment_keeps_everything_and_creates_nothing(client, customer):
    client.force_login(customer)

    response = client.post(
        reverse("tickets:portal-new"),
        {
            "category": "training",
            "priority": "normal",
            "subject": "Train our operators",
            "description": "Two days in March",
            "attachments": [pdf("agenda.pdf"), exe()],
        },
    )

    assert response.status_code == 200
    assert not Ticket.objects.exists()
    html = response.text
    # The error sits next to the attachments field.
    assert 'id="id_attachments-errors"' in html
    assert "setup.exe" in html.split('id="id_attachments-errors"')[1].split("</div>")[0]
    # What was typed is still there, and the good file is kept for the next try.
    assert 'value="Train our operators"' in html
    assert "Two days in March" in html
    assert '<option value="training" selected>' in html
    assert "agenda.pdf" in html
    assert response.context["form"].kept_files[0].name == "agenda.pdf"


def test_a_kept_attachment_is_attached_on_the_next_try(client, customer):
    client.force_login(customer)
    first = client.post(
        reverse("tickets:portal-new"),
        {"category": "fault", "priority": "normal", "subject": "", "description": "x", "attachments": [pdf()]},
    )
    assert "subject" in first.context["form"].errors
    kept = first.context["form"].kept_files[0]

    client.post(
        reverse("tickets:portal-new"),
        {
            "category": "fault",
            "priority": "normal",
            "subject": "Now with a subject",
            "description": "x",
            "kept": kept.token,
        },
    )

    ticket = Ticket.objects.get()
    attachment = ticket.attachments.get()
    assert attachment.filename == "report.pdf"
    assert attachment.file.read() == PDF
    assert not default_storage.exists(kept.path)  # the held copy is gone


def test_a_kept_attachment_cannot_be_claimed_by_someone_else(client, customer, other_customer):
    client.force_login(customer)
    first = client.post(
        reverse("tickets:portal-new"),
        {"category": "fault", "priority": "normal", "subject": "", "description": "x", "attachments": [pdf()]},
    )
    token = first.context["form"].kept_files[0].token

    client.force_login(other_customer)
    client.post(
        reverse("tickets:portal-new"),
        {"category": "fault", "priority": "normal", "subject": "Mine", "description": "x", "kept": token},
    )

    assert not Attachment.objects.exists()


def test_portal_create_rejects_another_organisations_device(client, customer, other_customer):
    theirs = DeviceFactory(organisation=other_customer.organisation)
    client.force_login(customer)
    response = client.post(
        reverse("tickets:portal-new"),
        {"category": "fault", "priority": "normal", "device": theirs.pk, "subject": "s", "description": "d"},
    )
    assert response.status_code == 200
    assert "device" in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_portal_create_with_empty_fields_shows_errors_next_to_them(client, customer):
    client.force_login(customer)
    response = client.post(reverse("tickets:portal-new"), {"category": "nonsense"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"category", "priority", "subject", "description"} <= set(errors)
    assert 'id="id_subject-errors"' in response.text


# --- one case ---------------------------------------------------------------------------


def test_portal_case_shows_only_the_public_timeline(client, customer, agent):
    from tickets.services import ticket_comment

    ticket = make_ticket(contact=customer)
    ticket_comment(ticket_id=ticket.pk, actor=agent, body="We are on it", is_public=True)
    ticket_comment(
        ticket_id=ticket.pk,
        actor=agent,
        body="Customer is difficult",
        is_public=False,
        files=[SimpleUploadedFile("internal.txt", b"secret")],
    )
    client.force_login(customer)

    response = client.get(reverse("tickets:portal-case", args=[ticket.reference]))

    assert response.status_code == 200
    assert "We are on it" in response.text
    assert "Customer is difficult" not in response.text
    assert "internal.txt" not in response.text


def test_portal_case_of_another_organisation_is_404(client, customer, other_customer):
    theirs = make_ticket(contact=other_customer)
    client.force_login(customer)
    assert client.get(reverse("tickets:portal-case", args=[theirs.reference])).status_code == 404


def test_staff_opening_a_portal_case_land_on_the_case_page(client, customer, agent):
    ticket = make_ticket(contact=customer)
    client.force_login(agent)
    response = client.get(reverse("tickets:portal-case", args=[ticket.reference]))
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:case", args=[ticket.reference])


def test_portal_case_lists_attachments_with_permission_checked_links(client, customer):
    ticket = make_ticket(contact=customer, files=[pdf()])
    attachment = ticket.attachments.get()
    client.force_login(customer)
    response = client.get(reverse("tickets:portal-case", args=[ticket.reference]))
    assert reverse("tickets:attachment", args=[attachment.pk]) in response.text


def test_customer_reply_to_a_waiting_case_returns_it_to_in_progress(client, customer, manager, engineer):
    ticket = make_ticket(contact=customer)
    _in_progress(ticket, manager, engineer)
    ticket_transition(ticket_id=ticket.pk, action=Action.WAIT, actor=engineer, note="Which firmware?")
    client.force_login(customer)

    page = client.get(reverse("tickets:portal-case", args=[ticket.reference]))
    assert "Which firmware?" in page.text
    response = client.post(
        reverse("tickets:portal-case", args=[ticket.reference]),
        {"body": "Firmware 2.1", "attachments": [pdf("version.pdf")]},
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.attachments.filter(filename="version.pdf", is_public=True).exists()


def test_empty_reply_shows_an_error(client, customer):
    ticket = make_ticket(contact=customer)
    client.force_login(customer)
    response = client.post(reverse("tickets:portal-case", args=[ticket.reference]), {"body": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["body"]


def test_customer_can_cancel_a_new_case_but_not_one_in_progress(client, customer, manager, engineer):
    new = make_ticket(contact=customer)
    started = make_ticket(contact=customer)
    _in_progress(started, manager, engineer)
    client.force_login(customer)

    assert "Withdraw this request" in client.get(reverse("tickets:portal-case", args=[new.reference])).text
    assert "Withdraw this request" not in client.get(reverse("tickets:portal-case", args=[started.reference])).text

    response = client.post(reverse("tickets:transition", args=[new.reference]), {"action": "cancel"})
    assert response["Location"] == reverse("tickets:portal-case", args=[new.reference])
    new.refresh_from_db()
    assert new.status == Status.CANCELLED

    # Posted by hand anyway: a message, not a 500.
    response = client.post(reverse("tickets:transition", args=[started.reference]), {"action": "cancel"}, follow=True)
    assert response.status_code == 200
    started.refresh_from_db()
    assert started.status == Status.IN_PROGRESS
    assert "You may not do this on this case." in response.text


def test_closed_case_has_no_reply_form(client, customer):
    ticket = make_ticket(contact=customer)
    ticket_transition(ticket_id=ticket.pk, action=Action.CANCEL, actor=customer)
    client.force_login(customer)
    response = client.get(reverse("tickets:portal-case", args=[ticket.reference]))
    assert response.context["form"] is None
    assert "This case is closed" in response.text


def test_files_held_for_an_abandoned_form_are_purged_after_a_day(db, settings):
    import os
    import time

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from tickets.forms import KEPT_DIR
    from tickets.tasks import purge_kept_uploads

    old = default_storage.save(f"{KEPT_DIR}/abc/old.pdf", ContentFile(b"%PDF-1.4"))
    fresh = default_storage.save(f"{KEPT_DIR}/def/fresh.pdf", ContentFile(b"%PDF-1.4"))
    two_days_ago = time.time() - 2 * 86400
    os.utime(default_storage.path(old), (two_days_ago, two_days_ago))

    assert purge_kept_uploads() == 1
    assert not default_storage.exists(old)
    assert default_storage.exists(fresh)
