"""The survey page from the emailed link: no login; satisfied archives, unsatisfied reopens."""

import pytest
from django.core import mail
from django.urls import reverse

from surveys.models import Outcome, Survey
from tickets.lifecycle import Action, Status
from tickets.models import ArchiveReason
from tickets.services import ticket_assign, ticket_transition

from ..factories import make_ticket


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def survey(customer, manager, engineer):
    ticket = make_ticket(contact=customer, subject="Controller reboot loop")
    ticket_assign(ticket_id=ticket.pk, assignee=engineer, actor=manager)
    ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
    ticket_transition(ticket_id=ticket.pk, action=Action.RESOLVE, actor=engineer, resolution="Firmware 2.2")
    return Survey.objects.get(ticket=ticket)


def url(survey):
    return reverse("surveys:answer", args=[survey.token])


def test_survey_page_needs_no_login_and_shows_the_case(client, survey):
    response = client.get(url(survey))
    assert response.status_code == 200
    html = response.text
    assert survey.ticket.reference in html
    assert "Controller reboot loop" in html
    assert "Firmware 2.2" in html
    for score in range(1, 6):
        assert f'name="score" id="id_score_{5 - score}" value="{score}"' in html
    assert html.count('class="form-check-label" for="id_score_') == 5


def test_unknown_token_is_404(client, db):
    assert client.get(reverse("surveys:answer", args=["nope"])).status_code == 404
    assert client.post(reverse("surveys:answer", args=["nope"]), {"score": 5}).status_code == 404


def test_satisfied_answer_archives_the_case(client, survey):
    response = client.post(url(survey), {"score": 5, "comment": "Quick and polite"}, follow=True)

    assert response.redirect_chain == [(reverse("surveys:thanks", args=[survey.token]), 302)]
    assert "Thank you" in response.text
    survey.refresh_from_db()
    survey.ticket.refresh_from_db()
    assert (survey.outcome, survey.score, survey.comment) == (Outcome.SATISFIED, 5, "Quick and polite")
    assert (survey.ticket.status, survey.ticket.archive_reason) == (Status.ARCHIVED, ArchiveReason.SATISFIED)


def test_unsatisfied_answer_reopens_the_case_and_tells_the_managers(
    client, survey, manager, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(survey), {"score": 2, "comment": "Still rebooting"}, follow=True)

    assert "reopened" in response.text
    survey.ticket.refresh_from_db()
    assert survey.ticket.status == Status.REOPENED
    body = next(m.body for m in mail.outbox if manager.email in m.to)
    assert "Still rebooting" in body
    assert reverse("tickets:case", args=[survey.ticket.reference]) in body


def test_a_second_answer_gets_a_clear_message(client, survey):
    client.post(url(survey), {"score": 5})
    response = client.post(url(survey), {"score": 1})
    assert response.status_code == 200
    assert "already been answered" in response.text
    survey.refresh_from_db()
    assert survey.score == 5
    assert "already been answered" in client.get(url(survey)).text


def test_an_answer_without_a_score_keeps_the_comment(client, survey):
    response = client.post(url(survey), {"comment": "Forgot the score"})
    assert response.status_code == 200
    assert 'id="score-errors"' in response.text
    assert "Forgot the score</textarea>" in response.text
    survey.refresh_from_db()
    assert survey.outcome == Outcome.PENDING


@pytest.mark.parametrize("score", ["0", "6", "abc"])
def test_an_out_of_range_score_is_refused(client, survey, score):
    response = client.post(url(survey), {"score": score})
    assert response.status_code == 200
    survey.refresh_from_db()
    assert survey.outcome == Outcome.PENDING


def test_a_survey_for_a_case_that_moved_on_is_closed(client, survey, manager):
    ticket_transition(ticket_id=survey.ticket_id, action=Action.REOPEN, actor=manager)
    response = client.post(url(survey), {"score": 5})
    assert response.status_code == 200
    assert "the case has moved on" in response.text


def test_thanks_before_answering_goes_back_to_the_form(client, survey):
    response = client.get(reverse("surveys:thanks", args=[survey.token]))
    assert response["Location"] == url(survey)


def test_survey_email_links_to_the_survey_page(survey, celery_eager):
    from notices.models import Notice
    from notices.services import notices_deliver

    notices_deliver(list(Notice.objects.filter(kind="surveys.survey").values_list("pk", flat=True)))
    message = mail.outbox[-1]
    assert message.to == [survey.ticket.contact.email]
    assert url(survey) in message.body
    assert survey.ticket.reference in message.body
