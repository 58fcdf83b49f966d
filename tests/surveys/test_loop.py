"""The satisfaction loop after a resolution, through the services and the Celery tasks (eager here)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.roles import Role
from notices.models import Notice
from surveys.models import Outcome, Survey
from surveys.services import survey_answer, survey_expire_unanswered, survey_round_count
from tests.factories import make_staff, make_ticket
from tickets.lifecycle import Action, Status
from tickets.models import ArchiveReason
from tickets.services import ticket_resolve, ticket_transition


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a service queues with on_commit (the survey email, the manager's notice) right away."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def resolved(db, department, customer, engineer, manager, committed):
    ticket = make_ticket(contact=customer)
    ticket_transition(ticket_id=ticket.pk, action=Action.ASSIGN, actor=manager, assignee=engineer)
    ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
    with committed():
        ticket_resolve(ticket_id=ticket.pk, resolution="Replaced the controller.", actor=engineer)
    ticket.refresh_from_db()
    return ticket


def _resolve_again(ticket, engineer, committed):
    ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
    with committed():
        ticket_resolve(ticket_id=ticket.pk, resolution="Tried again.", actor=engineer)


def test_resolving_emails_the_contact_an_unguessable_survey_link(resolved, customer):
    survey = Survey.objects.get(ticket=resolved)
    assert len(survey.token) >= 40
    assert survey.sent_at is not None
    (message,) = [m for m in mail.outbox if customer.email in m.to]
    assert f"/survey/{survey.token}/" in message.body
    assert survey_round_count(resolved.pk) == 1


def test_satisfied_answer_archives_the_case(resolved):
    survey = Survey.objects.get(ticket=resolved)
    survey_answer(token=survey.token, score=5, comment="Great")
    resolved.refresh_from_db()
    assert resolved.status == Status.ARCHIVED
    assert resolved.archive_reason == ArchiveReason.SATISFIED


def test_threshold_score_counts_as_satisfied(resolved, settings):
    settings.SURVEY_SATISFIED_SCORE = 4
    survey_answer(token=Survey.objects.get(ticket=resolved).token, score=4)
    resolved.refresh_from_db()
    assert resolved.status == Status.ARCHIVED


def test_unsatisfied_twice_then_satisfied_takes_three_rounds(resolved, engineer, manager, committed):
    manager.email = "boss@example.com"
    manager.save()
    for round_no in (1, 2):
        survey = Survey.objects.get(ticket=resolved, round=round_no)
        with committed():
            survey_answer(token=survey.token, score=2, comment="Still broken")
        resolved.refresh_from_db()
        assert resolved.status == Status.REOPENED
        assert resolved.assignee == engineer, "reopened to the same engineer"
        assert any("boss@example.com" in m.to and resolved.reference in m.subject for m in mail.outbox)
        _resolve_again(resolved, engineer, committed)

    final = Survey.objects.get(ticket=resolved, round=3)
    survey_answer(token=final.token, score=5)
    resolved.refresh_from_db()
    assert resolved.status == Status.ARCHIVED
    assert survey_round_count(resolved.pk) == 3
    assert list(Survey.objects.filter(ticket=resolved).values_list("outcome", flat=True)) == [
        Outcome.UNSATISFIED,
        Outcome.UNSATISFIED,
        Outcome.SATISFIED,
    ]


def test_a_round_takes_one_answer_only(resolved):
    survey = Survey.objects.get(ticket=resolved)
    survey_answer(token=survey.token, score=1)
    with pytest.raises(ValidationError):
        survey_answer(token=survey.token, score=5)
    resolved.refresh_from_db()
    assert resolved.status == Status.REOPENED


@pytest.mark.parametrize("score", [0, 6, -1])
def test_score_outside_one_to_five_is_refused(resolved, score):
    with pytest.raises(ValidationError):
        survey_answer(token=Survey.objects.get(ticket=resolved).token, score=score)
    assert Survey.objects.get(ticket=resolved).outcome == Outcome.PENDING


def test_unknown_token_is_not_found(db):
    with pytest.raises(Survey.DoesNotExist):
        survey_answer(token="nope", score=5)


def test_no_answer_within_the_configured_days_archives_marked_no_answer(resolved, settings):
    settings.SURVEY_NO_ANSWER_DAYS = 7
    survey = Survey.objects.get(ticket=resolved)
    assert survey_expire_unanswered(now=timezone.now() + datetime.timedelta(days=6)) == 0
    assert survey_expire_unanswered(now=timezone.now() + datetime.timedelta(days=8)) == 1
    resolved.refresh_from_db()
    survey.refresh_from_db()
    assert resolved.status == Status.ARCHIVED
    assert resolved.archive_reason == ArchiveReason.NO_ANSWER
    assert survey.outcome == Outcome.NO_ANSWER
    # Running the sweep again changes nothing.
    assert survey_expire_unanswered(now=timezone.now() + datetime.timedelta(days=9)) == 0


def test_survey_email_goes_out_in_the_contacts_language(db, department, engineer, manager, committed):
    from tests.factories import ContactFactory

    english = ContactFactory(language="en")
    chinese = ContactFactory(language="zh-hans")
    for contact in (english, chinese):
        ticket = make_ticket(contact=contact)
        ticket_transition(ticket_id=ticket.pk, action=Action.ASSIGN, actor=manager, assignee=engineer)
        ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
        with committed():
            ticket_resolve(ticket_id=ticket.pk, resolution="ok", actor=engineer)
    by_recipient = {m.to[0]: m.subject for m in mail.outbox}
    assert by_recipient[english.email].startswith("How did we do?")
    assert not by_recipient[chinese.email].startswith("How did we do?")


def test_answer_after_staff_moved_the_case_on_is_refused(resolved):
    ticket_transition(ticket_id=resolved.pk, action=Action.ARCHIVE, actor=make_staff(Role.MANAGER))
    with pytest.raises(ValidationError):
        survey_answer(token=Survey.objects.get(ticket=resolved).token, score=5)


def test_resolving_while_the_broker_is_down_still_works_and_the_survey_goes_out_later(
    db, department, customer, engineer, manager, committed, monkeypatch
):
    from kombu.exceptions import OperationalError

    from notices import tasks
    from notices.services import notices_requeue
    from surveys.services import survey_send_unsent

    ticket = make_ticket(contact=customer)
    ticket_transition(ticket_id=ticket.pk, action=Action.ASSIGN, actor=manager, assignee=engineer)
    ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)

    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    with monkeypatch.context() as m:
        m.setattr(tasks.notice_deliver, "delay", broker_down)
        with committed():
            ticket_resolve(ticket_id=ticket.pk, resolution="Done.", actor=engineer)
    ticket.refresh_from_db()
    survey = Survey.objects.get(ticket=ticket)
    assert ticket.status == Status.RESOLVED
    assert survey.sent_at is None
    assert not mail.outbox

    # The outbox's beat leaves fresh notices alone (their message may still be on its way), then
    # queues the one that never left; the survey sweep finds its notice and writes no second one.
    later = timezone.now() + datetime.timedelta(minutes=10)
    assert notices_requeue(timezone.now()) == 0
    assert survey_send_unsent(now=later) == 0
    assert notices_requeue(later) == 1
    survey.refresh_from_db()
    assert survey.sent_at is not None
    assert [survey.token in m.body for m in mail.outbox] == [True]


def test_the_survey_sweep_and_the_outbox_beat_never_send_a_survey_twice(resolved, customer):
    from notices.services import notices_deliver, notices_requeue
    from surveys.services import survey_send_unsent

    survey = Survey.objects.get(ticket=resolved)
    assert survey.sent_at is not None
    later = timezone.now() + datetime.timedelta(minutes=10)
    Survey.objects.filter(pk=survey.pk).update(sent_at=None)  # as if the bookkeeping had been lost
    assert survey_send_unsent(now=later) == 0
    assert notices_requeue(later) == 0
    notices_deliver(list(Notice.objects.filter(kind="surveys.survey").values_list("pk", flat=True)))
    assert len([m for m in mail.outbox if survey.token in m.body]) == 1


def test_a_survey_opened_before_the_outbox_is_written_once_by_the_sweep(resolved, customer, committed):
    from surveys.services import survey_send_unsent

    survey = Survey.objects.get(ticket=resolved)
    Notice.objects.filter(kind="surveys.survey").delete()  # opened by the old code, never sent
    Survey.objects.filter(pk=survey.pk).update(sent_at=None)
    mail.outbox.clear()
    later = timezone.now() + datetime.timedelta(minutes=10)
    with committed():
        assert survey_send_unsent(now=later) == 1
    assert survey_send_unsent(now=later) == 0
    assert [survey.token in m.body for m in mail.outbox] == [True]


def test_an_unsent_survey_is_not_expired_as_unanswered(db, department, customer, engineer, manager, settings):
    ticket = make_ticket(contact=customer)
    ticket_transition(ticket_id=ticket.pk, action=Action.ASSIGN, actor=manager, assignee=engineer)
    ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
    ticket_resolve(ticket_id=ticket.pk, resolution="Done.", actor=engineer)  # on_commit never runs here
    assert Survey.objects.get(ticket=ticket).sent_at is None
    assert survey_expire_unanswered(now=timezone.now() + datetime.timedelta(days=30)) == 0


def test_a_survey_answered_before_its_email_left_is_not_emailed(db, department, customer, engineer, manager):
    """E.g. answered in the portal while the queue was backed up: the email would only confuse."""
    from notices.services import notices_deliver

    ticket = make_ticket(contact=customer)
    ticket_transition(ticket_id=ticket.pk, action=Action.ASSIGN, actor=manager, assignee=engineer)
    ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
    ticket_resolve(ticket_id=ticket.pk, resolution="Done.", actor=engineer)  # on_commit never runs: the notice waits
    survey = Survey.objects.get(ticket=ticket)
    survey_answer(token=survey.token, score=5)
    mail.outbox.clear()
    note = Notice.objects.get(kind="surveys.survey", data__survey_id=survey.pk)
    assert notices_deliver([note.pk]) == {"skipped": 1}
    assert not mail.outbox


def test_survey_sent_reads_in_each_readers_language(client, resolved, customer):
    from django.urls import reverse

    client.force_login(customer)
    english = client.get(reverse("tickets:portal-case", args=[resolved.reference]), HTTP_ACCEPT_LANGUAGE="en").text
    chinese = client.get(reverse("tickets:portal-case", args=[resolved.reference]), HTTP_ACCEPT_LANGUAGE="zh-CN").text
    assert "Satisfaction survey round 1 sent." in english
    assert "Satisfaction survey round 1 sent." not in chinese
