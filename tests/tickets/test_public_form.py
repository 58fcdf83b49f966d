"""The public request form: off unless enabled, rate-limited, confirmed by email, then a case (once)."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tickets.models import Channel, PublicRequest, Ticket

FORM = {
    "name": "Wang Fang",
    "email": "wang@example.com",
    "phone": "13700001111",
    "company": "Suzhou Metro",
    "category": "consultation",
    "subject": "Spare parts price",
    "description": "How much is a spare controller?",
}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def enabled(settings, db, department):
    settings.PUBLIC_REQUEST_FORM_ENABLED = True
    return settings


def test_public_form_is_404_when_disabled(client, settings, db):
    settings.PUBLIC_REQUEST_FORM_ENABLED = False
    assert client.get(reverse("tickets:public-request")).status_code == 404
    assert client.post(reverse("tickets:public-request"), FORM).status_code == 404
    assert client.get(reverse("tickets:public-confirm", args=["whatever"])).status_code == 404
    assert not PublicRequest.objects.exists()


def test_public_form_renders_without_login(client, enabled):
    response = client.get(reverse("tickets:public-request"))
    assert response.status_code == 200
    for field in ("name", "email", "category", "subject", "description"):
        assert f'for="id_{field}"' in response.text


def test_submitting_stores_the_request_and_emails_a_confirmation_link(
    client, enabled, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("tickets:public-request"), FORM)

    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:public-sent")
    request = PublicRequest.objects.get()
    assert (request.email, request.subject, request.ticket) == ("wang@example.com", "Spare parts price", None)
    assert not Ticket.objects.exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wang@example.com"]
    assert reverse("tickets:public-confirm", args=[request.token]) in message.body
    assert "Spare parts price" in message.body
    assert "&#x27;" not in message.body
    assert "&amp;" not in message.body
    assert "Check your email" in client.get(response["Location"]).text


def test_bad_input_keeps_what_was_typed(client, enabled):
    response = client.post(reverse("tickets:public-request"), {**FORM, "email": "not-an-email", "subject": ""})
    assert response.status_code == 200
    assert 'id="id_email-errors"' in response.text
    assert 'id="id_subject-errors"' in response.text
    assert 'value="Wang Fang"' in response.text
    assert not PublicRequest.objects.exists()


def test_a_bot_filling_the_hidden_field_is_thanked_and_ignored(client, enabled):
    response = client.post(reverse("tickets:public-request"), {**FORM, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not PublicRequest.objects.exists()


def test_confirming_creates_a_case_once(client, enabled, celery_eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tickets:public-request"), FORM)
    token = PublicRequest.objects.get().token
    url = reverse("tickets:public-confirm", args=[token])

    page = client.get(url)
    assert page.status_code == 200
    assert not Ticket.objects.exists()  # opening the link alone (a mail scanner) does not confirm

    first = client.post(url)
    second = client.post(url)

    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.WEB
    assert ticket.requester_email == "wang@example.com"
    assert ticket.reference in first.text
    assert ticket.reference in second.text


def test_unknown_confirmation_link(client, enabled):
    response = client.post(reverse("tickets:public-confirm", args=["no-such-token"]))
    assert response.status_code == 404
    assert "Link unknown or expired" in response.text


def test_over_the_rate_limit_shows_a_friendly_429(client, enabled):
    enabled.RATELIMIT_ENABLE = True
    enabled.PUBLIC_REQUEST_RATE = "2/h"
    cache.clear()
    try:
        assert client.post(reverse("tickets:public-request"), FORM).status_code == 302
        assert client.post(reverse("tickets:public-request"), FORM).status_code == 302
        response = client.post(reverse("tickets:public-request"), FORM)
    finally:
        cache.clear()

    assert response.status_code == 429
    assert "Too many requests" in response.text
    assert PublicRequest.objects.count() == 2
