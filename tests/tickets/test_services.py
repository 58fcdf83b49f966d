import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import ContactFactory, DepartmentFactory, DeviceFactory, make_ticket
from tickets.lifecycle import Action, Status
from tickets.models import Attachment, Category, Channel, EventKind, RoutingRule, Ticket
from tickets.services import (
    department_for,
    ticket_comment,
    ticket_create,
    ticket_transition,
    ticket_update,
)


def test_new_case_gets_a_human_reference_and_a_created_event(db, department, customer):
    ticket = make_ticket(contact=customer, actor=customer)
    assert re.fullmatch(r"SR-20\d\d-\d{6}", ticket.reference)
    assert Ticket.objects.get(pk=ticket.pk).reference == ticket.reference
    event = ticket.events.get()
    assert (event.kind, event.to_status, event.actor) == (EventKind.CREATED, Status.NEW, customer)


def test_customer_always_files_for_their_own_organisation(db, department, customer, other_customer):
    ticket = ticket_create(
        actor=customer,
        channel=Channel.PORTAL,
        category=Category.FAULT,
        subject="Mine",
        description="…",
        organisation=other_customer.organisation,
        contact=other_customer,
    )
    assert ticket.organisation == customer.organisation
    assert ticket.contact == customer


def test_bad_input_is_refused_with_a_message_per_field_and_nothing_saved(db, department, agent, customer):
    foreign_device = DeviceFactory()
    with pytest.raises(ValidationError) as exc:
        ticket_create(
            actor=agent,
            channel="fax",
            category="nonsense",
            priority="whenever",
            subject=" ",
            description="",
            organisation=customer.organisation,
            contact=customer,
            device=foreign_device,
        )
    assert set(exc.value.message_dict) == {"channel", "category", "priority", "subject", "description", "device"}
    assert not Ticket.objects.exists()


def test_a_rejected_attachment_keeps_the_case_from_being_created(db, department, customer):
    bad = SimpleUploadedFile("payload.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as exc:
        make_ticket(contact=customer, actor=customer, files=[bad])
    assert "attachments" in exc.value.message_dict
    assert not Ticket.objects.exists()


def test_a_file_that_lies_about_its_type_is_rejected(db, department, customer):
    fake_pdf = SimpleUploadedFile("report.pdf", b"<html>not a pdf</html>")
    with pytest.raises(ValidationError):
        make_ticket(contact=customer, actor=customer, files=[fake_pdf])


def test_good_attachment_is_stored_with_the_case(db, department, customer):
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4 minimal", content_type="application/pdf")
    ticket = make_ticket(contact=customer, actor=customer, files=[pdf])
    attachment = Attachment.objects.get(ticket=ticket)
    assert attachment.filename == "report.pdf"
    assert attachment.file.read() == b"%PDF-1.4 minimal"


def test_routing_prefers_the_most_specific_rule(db, customer):
    default = DepartmentFactory(code="after-sales", is_default=True)
    presales = DepartmentFactory(code="presales")
    key_account = DepartmentFactory(code="key-accounts")
    RoutingRule.objects.create(category=Category.CONSULTATION, department=presales)
    RoutingRule.objects.create(organisation=customer.organisation, department=key_account)
    other_org = ContactFactory().organisation

    assert department_for(category=Category.CONSULTATION, organisation=other_org) == presales
    assert department_for(category=Category.FAULT, organisation=other_org) == default
    assert department_for(category=Category.CONSULTATION, organisation=customer.organisation) == key_account


def test_customer_reply_returns_a_waiting_case_to_in_progress(db, department, customer, engineer, manager):
    ticket = make_ticket(contact=customer)
    ticket_transition(ticket_id=ticket.pk, action=Action.ASSIGN, actor=manager, assignee=engineer)
    ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
    ticket_transition(ticket_id=ticket.pk, action=Action.WAIT, actor=engineer, note="Send the log please")

    ticket_comment(ticket_id=ticket.pk, actor=customer, body="Log attached.")

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert list(ticket.events.values_list("kind", flat=True))[-2:] == [EventKind.COMMENT, EventKind.STATUS]


def test_first_public_staff_reply_sets_first_response_but_internal_note_does_not(db, department, customer, engineer):
    ticket = make_ticket(contact=customer)
    ticket.assignee = engineer
    Ticket.objects.filter(pk=ticket.pk).update(assignee=engineer)

    ticket_comment(ticket_id=ticket.pk, actor=engineer, body="internal", is_public=False)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None

    ticket_comment(ticket_id=ticket.pk, actor=engineer, body="We are on it.")
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None


def test_customer_cannot_write_internal_notes(db, department, customer):
    ticket = make_ticket(contact=customer)
    with pytest.raises(PermissionDenied):
        ticket_comment(ticket_id=ticket.pk, actor=customer, body="psst", is_public=False)


def test_closed_case_takes_no_more_comments(db, department, customer):
    ticket = make_ticket(contact=customer)
    ticket_transition(ticket_id=ticket.pk, action=Action.CANCEL, actor=customer)
    with pytest.raises(ValidationError):
        ticket_comment(ticket_id=ticket.pk, actor=customer, body="hello?")


def test_editing_facts_records_old_and_new_values(db, department, customer, agent):
    ticket = make_ticket(contact=customer)
    ticket_update(ticket_id=ticket.pk, actor=agent, priority="urgent", subject="Array down")
    event = ticket.events.get(kind=EventKind.UPDATED)
    assert event.data == {"priority": ["normal", "urgent"], "subject": ["Disk array offline", "Array down"]}
    assert event.is_public is False


def test_customer_cannot_edit_a_case(db, department, customer):
    ticket = make_ticket(contact=customer)
    with pytest.raises(PermissionDenied):
        ticket_update(ticket_id=ticket.pk, actor=customer, priority="urgent")


def test_editing_rejects_a_device_of_another_organisation(db, department, customer, agent):
    ticket = make_ticket(contact=customer)
    with pytest.raises(ValidationError) as exc:
        ticket_update(ticket_id=ticket.pk, actor=agent, device=DeviceFactory())
    assert "device" in exc.value.message_dict


def test_a_new_routing_rule_applies_to_the_next_case_at_once(db, customer):
    after_sales = DepartmentFactory(code="after-sales", is_default=True)
    assert make_ticket(contact=customer, category=Category.TRAINING).department == after_sales
    training = DepartmentFactory(code="training")
    RoutingRule.objects.create(category=Category.TRAINING, department=training)
    assert make_ticket(contact=customer, category=Category.TRAINING).department == training
