"""The pages every role shares (layout, login, downloads) and the staff case page with its actions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tickets.lifecycle import Action, Status
from tickets.models import Attachment, Channel, EventKind, Priority, Ticket
from tickets.services import ticket_assign, ticket_comment, ticket_transition

from ..factories import ContactFactory, DepartmentFactory, DeviceFactory, SiteFactory, make_ticket

PDF = b"%PDF-1.4\n% test\n"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _start(ticket, manager, engineer):
    ticket_assign(ticket_id=ticket.pk, assignee=engineer, actor=manager)
    return ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)


def _transition(client, ticket, **data):
    return client.post(reverse("tickets:transition", args=[ticket.reference]), data)


# --- layout -----------------------------------------------------------------------------


def test_pages_load_bootstrap_and_htmx_from_this_site(client, agent):
    client.force_login(agent)
    html = client.get(reverse("tickets:queue")).text
    assert '<html lang="en">' in html
    assert 'href="/static/bootstrap/css/bootstrap.min.css"' in html
    assert 'src="/static/bootstrap/js/bootstrap.bundle.min.js"' in html
    assert 'src="/static/django_htmx/htmx-2.min.js"' in html
    assert "cdn" not in html.lower()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert 'href="#main"' in html


def test_default_language_is_simplified_chinese(client, agent, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(agent)
    assert '<html lang="zh-hans">' in client.get(reverse("tickets:queue")).text


def test_every_page_has_the_language_switcher(client, customer, db):
    for url in (reverse("login"), reverse("tickets:portal")):
        if url != reverse("login"):
            client.force_login(customer)
        html = client.get(url).text
        assert f'action="{reverse("set_language")}" method="post"' in html
        assert 'name="language"' in html


def test_navbar_shows_only_what_the_role_may_use(client, customer, agent, engineer, manager):
    def nav(user):
        client.force_login(user)
        return client.get(reverse("home"), follow=True).text.split("</nav>")[0]

    html = nav(customer)
    assert reverse("tickets:portal-new") in html
    assert reverse("tickets:queue") not in html
    assert reverse("tickets:hotline") not in html

    html = nav(engineer)
    assert reverse("tickets:queue") in html
    assert reverse("tickets:hotline") not in html
    assert reverse("tickets:staff-new") not in html

    for user in (agent, manager):
        html = nav(user)
        assert reverse("tickets:hotline") in html
        assert reverse("tickets:staff-new") in html
        assert reverse("tickets:portal-new") not in html


def test_login_page_renders_and_logs_in(client, customer):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "customer", "password": "pass-for-tests-1"})
    assert response.status_code == 302


def test_login_page_shows_a_bad_password_error(client, customer):
    response = client.post(reverse("login"), {"username": "customer", "password": "wrong"})
    assert response.status_code == 200
    assert "alert-danger" in response.text


# --- the case page ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["agent", "manager", "project_manager", "admin_user"])
def test_case_page_renders_for_staff_who_see_every_case(client, persona, request, customer):
    ticket = make_ticket(contact=customer)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("tickets:case", args=[ticket.reference])).status_code == 200


def test_engineer_sees_only_their_cases(client, engineer, other_engineer, manager, customer):
    mine = make_ticket(contact=customer)
    ticket_assign(ticket_id=mine.pk, assignee=engineer, actor=manager)
    theirs = make_ticket(contact=customer)
    ticket_assign(ticket_id=theirs.pk, assignee=other_engineer, actor=manager)
    client.force_login(engineer)
    assert client.get(reverse("tickets:case", args=[mine.reference])).status_code == 200
    assert client.get(reverse("tickets:case", args=[theirs.reference])).status_code == 404


def test_customer_on_the_staff_case_page(client, customer, other_customer):
    mine = make_ticket(contact=customer)
    theirs = make_ticket(contact=other_customer)
    client.force_login(customer)
    response = client.get(reverse("tickets:case", args=[mine.reference]))
    assert response["Location"] == reverse("tickets:portal-case", args=[mine.reference])
    assert client.get(reverse("tickets:case", args=[theirs.reference])).status_code == 404


def test_case_page_shows_the_facts(client, agent, customer):
    site = SiteFactory(organisation=customer.organisation, name="Beijing DC")
    device = DeviceFactory(organisation=customer.organisation, site=site, serial_number="SN-FACTS")
    ticket = make_ticket(contact=customer, device=device, channel=Channel.HOTLINE)
    client.force_login(agent)

    html = client.get(reverse("tickets:case", args=[ticket.reference])).text

    for text in (
        customer.organisation.name,
        str(customer),
        customer.phone,
        "SN-FACTS",
        device.product.name,
        "Beijing DC",
        "In warranty",
        device.warranty_until.strftime("%Y-%m-%d"),
        "After-sales support",
        "Hotline",
        "Fault",
        "Survey rounds",
    ):
        assert text in html, text


def test_case_page_dates_read_year_month_day_hour_minute(client, agent, customer):
    ticket = make_ticket(contact=customer)
    client.force_login(agent)
    html = client.get(reverse("tickets:case", args=[ticket.reference])).text
    from django.utils import timezone

    assert timezone.localtime(ticket.created_at).strftime("%Y-%m-%d %H:%M") in html


def test_new_case_shows_assign_to_a_manager_but_not_resolve(client, manager, engineer, customer):
    ticket = make_ticket(contact=customer)
    client.force_login(manager)
    response = client.get(reverse("tickets:case", args=[ticket.reference]))
    actions = [item["action"] for item in response.context["actions"]]
    assert Action.ASSIGN in actions
    assert Action.RESOLVE not in actions
    assert reverse("dispatch:assign", args=[ticket.reference]) in response.text
    assert str(engineer) in response.text
    assert 'value="resolve"' not in response.text


def test_agent_sees_only_cancel_on_a_new_case(client, agent, customer):
    ticket = make_ticket(contact=customer)
    client.force_login(agent)
    response = client.get(reverse("tickets:case", args=[ticket.reference]))
    assert [item["action"] for item in response.context["actions"]] == [Action.CANCEL]
    assert reverse("dispatch:assign", args=[ticket.reference]) not in response.text


def test_assigned_engineer_sees_accept(client, manager, engineer, customer):
    ticket = make_ticket(contact=customer)
    ticket_assign(ticket_id=ticket.pk, assignee=engineer, actor=manager)
    client.force_login(engineer)
    response = client.get(reverse("tickets:case", args=[ticket.reference]))
    assert [item["action"] for item in response.context["actions"]] == [Action.START]


def test_engineer_accepts_asks_the_customer_and_the_reply_resumes(client, manager, engineer, customer):
    ticket = make_ticket(contact=customer)
    ticket_assign(ticket_id=ticket.pk, assignee=engineer, actor=manager)
    client.force_login(engineer)

    response = _transition(client, ticket, action="start")
    assert response["Location"] == reverse("tickets:case", args=[ticket.reference])
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS

    _transition(client, ticket, action="wait", note="Please send the controller logs")
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING

    client.force_login(customer)
    client.post(reverse("tickets:portal-case", args=[ticket.reference]), {"body": "Logs attached"})
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_asking_the_customer_without_a_question_is_an_error_next_to_the_field(client, manager, engineer, customer):
    ticket = make_ticket(contact=customer)
    _start(ticket, manager, engineer)
    client.force_login(engineer)

    response = _transition(client, ticket, action="wait", note="   ")

    assert response.status_code == 200
    assert 'id="note-wait-errors"' in response.text
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_resolve_without_resolution_is_rejected(client, manager, engineer, customer):
    ticket = make_ticket(contact=customer)
    _start(ticket, manager, engineer)
    client.force_login(engineer)

    response = _transition(client, ticket, action="resolve", resolution="")

    assert response.status_code == 200
    assert "Describe the resolution." in response.text
    assert 'id="id_resolution-errors"' in response.text
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_resolve_with_resolution(client, manager, engineer, customer):
    ticket = make_ticket(contact=customer)
    _start(ticket, manager, engineer)
    client.force_login(engineer)
    response = _transition(client, ticket, action="resolve", resolution="Replaced the PSU")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution) == (Status.RESOLVED, "Replaced the PSU")


def test_a_refused_transition_posted_by_hand_shows_a_message_not_a_500(client, manager, customer):
    ticket = make_ticket(contact=customer)
    client.force_login(manager)

    response = client.post(
        reverse("tickets:transition", args=[ticket.reference]), {"action": "resolve", "resolution": "x"}, follow=True
    )

    assert response.status_code == 200
    assert "cannot be moved by" in response.text
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_an_action_the_role_may_not_take_shows_a_message(client, agent, manager, engineer, customer):
    ticket = make_ticket(contact=customer)
    _start(ticket, manager, engineer)
    client.force_login(agent)
    response = client.post(
        reverse("tickets:transition", args=[ticket.reference]), {"action": "resolve", "resolution": "x"}, follow=True
    )
    assert response.status_code == 200
    assert "You may not do this on this case." in response.text


def test_an_unknown_action_shows_a_message(client, manager, customer):
    ticket = make_ticket(contact=customer)
    client.force_login(manager)
    response = client.post(reverse("tickets:transition", args=[ticket.reference]), {"action": "explode"}, follow=True)
    assert response.status_code == 200
    assert "That action is not known" in response.text


def test_transition_on_another_engineers_case_is_404(client, engineer, other_engineer, manager, customer):
    ticket = make_ticket(contact=customer)
    ticket_assign(ticket_id=ticket.pk, assignee=other_engineer, actor=manager)
    client.force_login(engineer)
    assert _transition(client, ticket, action="start").status_code == 404


def test_transition_needs_post(client, manager, customer):
    ticket = make_ticket(contact=customer)
    client.force_login(manager)
    assert client.get(reverse("tickets:transition", args=[ticket.reference])).status_code == 405


def test_resolved_case_offers_reopen_and_archive_to_a_manager(client, manager, engineer, customer):
    ticket = make_ticket(contact=customer)
    _start(ticket, manager, engineer)
    ticket_transition(ticket_id=ticket.pk, action=Action.RESOLVE, actor=engineer, resolution="done")
    client.force_login(manager)
    response = client.get(reverse("tickets:case", args=[ticket.reference]))
    assert [item["action"] for item in response.context["actions"]] == [Action.REOPEN, Action.ARCHIVE]
    _transition(client, ticket, action="archive")
    ticket.refresh_from_db()
    assert ticket.status == Status.ARCHIVED
    response = client.get(reverse("tickets:case", args=[ticket.reference]))
    assert "Archived by staff" in response.text
    assert response.context["comment_form"] is None


# --- timeline, comments, edits ----------------------------------------------------------


def test_timeline_marks_internal_events_and_lists_files(client, agent, customer):
    ticket = make_ticket(contact=customer)
    ticket_comment(
        ticket_id=ticket.pk,
        actor=agent,
        body="Checked the contract",
        is_public=False,
        files=[SimpleUploadedFile("notes.txt", b"n")],
    )
    client.force_login(agent)
    html = client.get(reverse("tickets:case", args=[ticket.reference])).text
    entry = html.split("Checked the contract")[0].rsplit("<li", 1)[1]
    assert 'class="internal"' in entry
    assert "Internal" in entry
    assert "notes.txt" in html


def test_staff_comment_internal_with_a_file(client, agent, customer):
    ticket = make_ticket(contact=customer)
    client.force_login(agent)
    response = client.post(
        reverse("tickets:comment", args=[ticket.reference]),
        {"body": "Only for us", "internal": "on", "attachments": [SimpleUploadedFile("a.txt", b"a")]},
    )
    assert response.status_code == 302
    event = ticket.events.get(kind=EventKind.COMMENT)
    assert (event.body, event.is_public) == ("Only for us", False)
    assert event.files.get().is_public is False


def test_staff_comment_with_a_bad_file_keeps_the_text(client, agent, customer):
    ticket = make_ticket(contact=customer)
    client.force_login(agent)
    response = client.post(
        reverse("tickets:comment", args=[ticket.reference]),
        {"body": "See attached", "attachments": [SimpleUploadedFile("x.exe", b"MZ")]},
    )
    assert response.status_code == 200
    assert "See attached</textarea>" in response.text
    assert response.context["comment_form"].errors["attachments"]
    assert not ticket.events.filter(kind=EventKind.COMMENT).exists()


def test_customer_cannot_post_to_the_staff_comment_view(client, customer):
    ticket = make_ticket(contact=customer)
    client.force_login(customer)
    response = client.post(reverse("tickets:comment", args=[ticket.reference]), {"body": "x", "internal": "on"})
    assert response.status_code == 403


def test_edit_the_facts(client, agent, customer):
    device = DeviceFactory(organisation=customer.organisation)
    other = DepartmentFactory(code="tech", name="Technical support")
    ticket = make_ticket(contact=customer)
    client.force_login(agent)

    response = client.post(
        reverse("tickets:edit", args=[ticket.reference]),
        {
            "subject": "Array offline (both controllers)",
            "description": ticket.description,
            "category": "fault",
            "priority": "urgent",
            "device": device.pk,
            "department": other.pk,
        },
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.subject, ticket.priority, ticket.device, ticket.department) == (
        "Array offline (both controllers)",
        Priority.URGENT,
        device,
        other,
    )
    html = client.get(reverse("tickets:case", args=[ticket.reference])).text
    assert "Array offline (both controllers)" in html


def test_edit_with_an_empty_subject_keeps_the_form_open_with_the_error(client, agent, customer):
    ticket = make_ticket(contact=customer)
    client.force_login(agent)
    response = client.post(
        reverse("tickets:edit", args=[ticket.reference]),
        {"subject": "", "description": "still here", "category": "fault", "priority": "normal"},
    )
    assert response.status_code == 200
    assert response.context["edit_open"] is True
    assert 'id="id_subject-errors"' in response.text
    assert "still here</textarea>" in response.text


def test_engineer_cannot_edit_an_unassigned_case(client, engineer, customer):
    ticket = make_ticket(contact=customer)
    client.force_login(engineer)
    assert client.get(reverse("tickets:case", args=[ticket.reference])).context["edit_form"] is None
    response = client.post(
        reverse("tickets:edit", args=[ticket.reference]),
        {"subject": "Hijack", "description": "d", "category": "fault", "priority": "normal"},
        follow=True,
    )
    assert "You may not change this case." in response.text
    ticket.refresh_from_db()
    assert ticket.subject != "Hijack"


# --- opening a case for a customer ------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"), [("agent", 200), ("manager", 200), ("engineer", 403), ("customer", 403)]
)
def test_staff_new_is_for_those_who_open_cases(client, persona, status, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("tickets:staff-new")).status_code == status


def test_staff_new_limits_contacts_and_devices_to_the_organisation(client, agent, customer, other_customer):
    mine = DeviceFactory(organisation=customer.organisation)
    theirs = DeviceFactory(organisation=other_customer.organisation)
    client.force_login(agent)

    html = client.get(reverse("tickets:staff-new"), {"organisation": customer.organisation.pk}).text

    assert mine.serial_number in html
    assert str(customer) in html
    assert theirs.serial_number not in html
    assert str(other_customer) not in html


def test_staff_new_creates_a_case_on_behalf_of_a_contact(client, agent, customer):
    device = DeviceFactory(organisation=customer.organisation)
    client.force_login(agent)
    response = client.post(
        reverse("tickets:staff-new"),
        {
            "organisation": customer.organisation.pk,
            "contact": customer.pk,
            "device": device.pk,
            "channel": "email",
            "category": "patch",
            "priority": "normal",
            "subject": "Apply patch 3",
            "description": "Customer asked by email",
            "attachments": [SimpleUploadedFile("mail.pdf", PDF)],
        },
    )
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("tickets:case", args=[ticket.reference])
    assert (ticket.contact, ticket.organisation, ticket.channel, ticket.created_by) == (
        customer,
        customer.organisation,
        Channel.EMAIL,
        agent,
    )
    assert ticket.attachments.count() == 1


def test_staff_new_rejects_a_contact_from_another_organisation(client, agent, customer, other_customer):
    client.force_login(agent)
    response = client.post(
        reverse("tickets:staff-new"),
        {
            "organisation": customer.organisation.pk,
            "contact": other_customer.pk,
            "channel": "email",
            "category": "fault",
            "priority": "normal",
            "subject": "s",
            "description": "d",
        },
    )
    assert response.status_code == 200
    assert "contact" in response.context["form"].errors
    assert not Ticket.objects.exists()


# --- downloads --------------------------------------------------------------------------


def test_attachment_download_for_the_customer(client, customer):
    ticket = make_ticket(contact=customer, files=[SimpleUploadedFile("report.pdf", PDF)])
    attachment = ticket.attachments.get()
    client.force_login(customer)

    response = client.get(reverse("tickets:attachment", args=[attachment.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="report.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_attachment_of_another_organisation_is_404(client, customer, other_customer):
    ticket = make_ticket(contact=other_customer, files=[SimpleUploadedFile("theirs.pdf", PDF)])
    client.force_login(customer)
    assert client.get(reverse("tickets:attachment", args=[ticket.attachments.get().pk])).status_code == 404


def test_internal_attachment_is_404_for_the_customer_but_not_for_staff(client, customer, agent):
    ticket = make_ticket(contact=customer)
    ticket_comment(
        ticket_id=ticket.pk, actor=agent, body="x", is_public=False, files=[SimpleUploadedFile("in.txt", b"i")]
    )
    attachment = Attachment.objects.get(is_public=False)
    client.force_login(customer)
    assert client.get(reverse("tickets:attachment", args=[attachment.pk])).status_code == 404
    client.force_login(agent)
    assert client.get(reverse("tickets:attachment", args=[attachment.pk])).status_code == 200


def test_attachment_download_needs_login(client, customer):
    ticket = make_ticket(contact=customer, files=[SimpleUploadedFile("r.pdf", PDF)])
    response = client.get(reverse("tickets:attachment", args=[ticket.attachments.get().pk]))
    assert response.status_code == 302


def test_a_colleague_sees_the_case_a_contact_opened(client, customer):
    colleague = ContactFactory(organisation=customer.organisation)
    ticket = make_ticket(contact=customer)
    client.force_login(colleague)
    assert client.get(reverse("tickets:portal-case", args=[ticket.reference])).status_code == 200


def test_case_page_query_count_does_not_grow_with_the_timeline(
    client, manager, engineer, customer, django_assert_num_queries
):
    ticket = make_ticket(contact=customer)
    ticket_assign(ticket_id=ticket.pk, assignee=engineer, actor=manager)
    for n in range(15):
        ticket_comment(
            ticket_id=ticket.pk, actor=engineer, body=f"Step {n}", files=[SimpleUploadedFile(f"log{n}.txt", b"x")]
        )
    client.force_login(manager)
    # 1 session, 2 user, 3 groups (roles), 4 the case with its joins, 5 timeline events with actors,
    # 6 their files, 7 engineers (assign select), 8 the organisation's devices, 9 departments (edit form),
    # 10 the SLA clocks (the sla app's case panel, through tickets.hooks);
    # the dispatch panel: 11 dispatch state, 12 remote sessions, 13 plans, 14 command logs, 15 visits,
    # 16 escalations, 17 the report, then the suggestions: 18 engineers, 19 profiles, 20 loads,
    # 21 duty now, 22 contracts, 23 passed over; 24 engineers for the visit form's select.
    with django_assert_num_queries(24):
        response = client.get(reverse("tickets:case", args=[ticket.reference]))
    assert response.text.count("/attachments/") == 15
