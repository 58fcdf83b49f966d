"""The survey API: read and answer a survey by its emailed token, without logging in."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from surveys.models import Outcome, Survey
from tests.factories import make_ticket
from tickets.lifecycle import Action, Status
from tickets.models import ArchiveReason
from tickets.services import ticket_assign, ticket_transition


@pytest.fixture(autouse=True)
def _fresh_throttle():
    # The anonymous throttle counts in the cache; every test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def survey(customer, engineer, manager) -> Survey:
    """A resolved case and the survey its resolution sent."""
    ticket = make_ticket(contact=customer, subject="Controller fault")
    ticket_assign(ticket_id=ticket.pk, assignee=engineer, actor=manager)
    ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
    ticket_transition(ticket_id=ticket.pk, action=Action.RESOLVE, actor=engineer, resolution="Replaced it.")
    return Survey.objects.get(ticket=ticket)


def url(survey_or_token, answer: bool = False) -> str:
    token = survey_or_token if isinstance(survey_or_token, str) else survey_or_token.token
    return f"/api/v1/surveys/{token}/" + ("answer/" if answer else "")


def test_survey_link_shows_the_case_without_login(api, survey):
    response = api.get(url(survey))
    assert response.status_code == 200
    body = response.json()
    assert body["round"] == 1
    assert body["reference"] == survey.ticket.reference
    assert body["subject"] == "Controller fault"
    assert (body["answered"], body["open"], body["outcome"]) == (False, True, Outcome.PENDING)


def test_satisfied_answer_archives_the_case(api, survey):
    response = api.post(url(survey, answer=True), {"score": 5, "comment": "Quick and polite."}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["answered"], response.json()["outcome"]) == (True, Outcome.SATISFIED)
    survey.refresh_from_db()
    survey.ticket.refresh_from_db()
    assert (survey.score, survey.comment) == (5, "Quick and polite.")
    assert survey.ticket.status == Status.ARCHIVED
    assert survey.ticket.archive_reason == ArchiveReason.SATISFIED


def test_unsatisfied_answer_reopens_the_case(api, survey):
    response = api.post(url(survey, answer=True), {"score": 2, "comment": "Still slow."}, format="json")
    assert response.status_code == 200
    assert response.json()["outcome"] == Outcome.UNSATISFIED
    survey.ticket.refresh_from_db()
    assert survey.ticket.status == Status.REOPENED


def test_second_answer_is_refused_with_a_message(api, survey):
    assert api.post(url(survey, answer=True), {"score": 5}, format="json").status_code == 200
    response = api.post(url(survey, answer=True), {"score": 1}, format="json")
    assert response.status_code == 400
    assert response.json()["score"]
    survey.refresh_from_db()
    assert survey.score == 5
    assert api.get(url(survey)).json()["open"] is False


@pytest.mark.parametrize("token", ["no-such-token", "x" * 64])
def test_unknown_token_answers_404(api, db, token):
    assert api.get(url(token)).status_code == 404
    assert api.post(url(token, answer=True), {"score": 5}, format="json").status_code == 404


@pytest.mark.parametrize("payload", [{}, {"score": 0}, {"score": 6}, {"score": "abc"}, {"score": 4.5}, {"score": None}])
def test_bad_scores_answer_400(api, survey, payload):
    response = api.post(url(survey, answer=True), payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"score"}
    survey.refresh_from_db()
    assert survey.outcome == Outcome.PENDING


def test_signed_in_browser_answers_without_a_csrf_token(survey, customer):
    # The token is the credential; the session plays no part, so CSRF does not apply.
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(customer)
    response = api.post(url(survey, answer=True), {"score": 4}, format="json")
    assert response.status_code == 200


def test_survey_link_is_throttled_per_address(api, survey, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/min", raising=False)
    assert api.get(url(survey)).status_code == 200
    assert api.get(url(survey)).status_code == 200
    assert api.get(url(survey)).status_code == 429
