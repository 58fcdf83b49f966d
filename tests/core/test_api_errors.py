"""Every API error is JSON: infrastructure failures answer 503 with Retry-After, anything unexpected 500."""

import pytest
import redis
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client
from kombu.exceptions import OperationalError as BrokerOperationalError

from tickets import selectors

LIST = "/api/v1/tickets/"


@pytest.fixture
def client_500(manager):
    """A client that gets the answer a real client would, instead of the exception re-raised."""
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    return client


def _raise(exc):
    def fail(*args, **kwargs):
        raise exc

    return fail


def assert_unavailable(response):
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["code"] == "unavailable"
    assert body["detail"]


@pytest.mark.parametrize(
    "exc",
    [
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
        redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
        redis.exceptions.TimeoutError("Timeout reading from socket"),
        BrokerOperationalError("[Errno 111] Connection refused"),
    ],
    ids=["database-cut", "database-closed", "redis-down", "redis-timeout", "broker-down"],
)
def test_infrastructure_failure_during_an_api_read_answers_503_json_with_retry_after(
    client_500, monkeypatch, exc, caplog
):
    monkeypatch.setattr(selectors, "ticket_list_for_api", _raise(exc))
    response = client_500.get(LIST)
    assert_unavailable(response)
    # Logged with its traceback, for the people running it.
    assert any(record.exc_info for record in caplog.records if record.name == "django.request")


def test_connection_cut_while_opening_a_case_answers_503_and_leaves_no_half_written_case(
    client_500, monkeypatch, customer
):
    from tickets import services
    from tickets.models import Ticket

    # The case row is written, then the connection drops before its timeline entry.
    monkeypatch.setattr(services, "event_record", _raise(OperationalError("terminating connection")))
    response = client_500.post(
        LIST,
        {
            "organisation": customer.organisation_id,
            "category": "fault",
            "subject": "Printer on fire",
            "description": "Smoke.",
        },
        content_type="application/json",
    )
    assert_unavailable(response)
    assert not Ticket.objects.exists()


def test_database_failure_outside_the_api_view_answers_503_json(client_500, monkeypatch):
    # The session is read by the middleware (request.user), before DRF's view handling.
    monkeypatch.setattr(SessionStore, "load", _raise(OperationalError("could not connect to server")))
    response = client_500.get(LIST)
    assert_unavailable(response)


def test_cache_outage_on_an_api_read_answers_503_json_not_an_html_page(client_500, monkeypatch):
    monkeypatch.setattr(
        selectors, "ticket_list_for_api", _raise(redis.exceptions.ConnectionError("Connection refused"))
    )
    response = client_500.get(LIST)
    assert_unavailable(response)
    assert b"<html" not in response.content


def test_unexpected_exception_in_an_api_view_answers_500_json_without_traceback(client_500, monkeypatch):
    monkeypatch.setattr(selectors, "ticket_list_for_api", _raise(ZeroDivisionError("secret internals")))
    response = client_500.get(LIST)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": response.json()["detail"], "code": "server_error"}
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content
    assert "Retry-After" not in response


def test_unexpected_exception_outside_the_api_view_answers_500_json(client_500, monkeypatch):
    monkeypatch.setattr(SessionStore, "load", _raise(RuntimeError("secret internals")))
    response = client_500.get(LIST)
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert b"secret internals" not in response.content


def test_pages_keep_the_error_page_and_say_503_when_the_database_is_down(client_500, monkeypatch):
    monkeypatch.setattr(SessionStore, "load", _raise(OperationalError("could not connect to server")))
    response = client_500.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"Server error" in response.content

    monkeypatch.setattr(SessionStore, "load", _raise(RuntimeError("boom")))
    response = client_500.get("/")
    assert response.status_code == 500
    assert b"Server error" in response.content


def test_the_app_answers_again_once_the_database_is_back(client_500, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(selectors, "ticket_list_for_api", _raise(OperationalError("connection cut")))
        assert client_500.get(LIST).status_code == 503
    assert client_500.get(LIST).status_code == 200


def test_a_request_body_over_the_size_limit_answers_400_json_not_500(client_500, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client_500.post(
        "/api/v1/service-applications/sign-by-link/",
        {"token": "a" + "\u00ba" * 2000, "name": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "too_large"
