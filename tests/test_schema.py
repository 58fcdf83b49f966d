"""The OpenAPI schema is valid and complete, and the docs page works offline (no CDN)."""

import io
import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.management import call_command

EXPECTED_OPERATIONS = {
    ("/api/v1/auth/token/", "post"),
    ("/api/v1/tickets/", "get"),
    ("/api/v1/tickets/", "post"),
    ("/api/v1/tickets/{id}/", "get"),
    ("/api/v1/tickets/{id}/", "patch"),
    *{(f"/api/v1/tickets/{{id}}/{a}/", "post") for a in ("assign", "start", "wait", "resume", "resolve")},
    *{(f"/api/v1/tickets/{{id}}/{a}/", "post") for a in ("reopen", "archive", "cancel")},
    ("/api/v1/tickets/{id}/events/", "get"),
    ("/api/v1/tickets/{id}/events/", "post"),
    ("/api/v1/tickets/{id}/attachments/", "get"),
    ("/api/v1/tickets/{id}/attachments/", "post"),
    *{(f"/api/v1/{r}/", m) for r in ("organisations", "contacts", "products", "devices") for m in ("get", "post")},
    *{
        (f"/api/v1/{r}/{{id}}/", m)
        for r in ("organisations", "contacts", "products", "devices")
        for m in ("get", "patch")
    },
    ("/api/v1/surveys/{token}/", "get"),
    ("/api/v1/surveys/{token}/answer/", "post"),
}


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    stderr = io.StringIO()
    with django_db_blocker.unblock():
        # --fail-on-warn turns any warning into an error, so this raises on a flaw.
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path), stderr=stderr)
    assert "Warning" not in stderr.getvalue()
    assert "Error" not in stderr.getvalue()
    return yaml.safe_load(path.read_text())


def test_schema_validates_without_warnings_and_covers_every_endpoint(schema):
    operations = {(path, method) for path, item in schema["paths"].items() for method in item}
    assert EXPECTED_OPERATIONS <= operations
    # Nothing is documented that we did not mean to offer.
    assert not {(p, m) for p, m in operations if m in ("put", "delete")}


def test_every_action_documents_its_request_and_errors(schema):
    for action in ("assign", "start", "wait", "resume", "resolve", "reopen", "archive", "cancel"):
        operation = schema["paths"][f"/api/v1/tickets/{{id}}/{action}/"]["post"]
        assert "requestBody" in operation, action
        assert {"200", "400", "403", "404", "409"} <= set(operation["responses"]), action
    wait = schema["components"]["schemas"]["WaitInputRequest"]
    assert "note" in wait["required"]


def test_ticket_list_documents_filters_and_paging(schema):
    operation = schema["paths"]["/api/v1/tickets/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "o", "status", "priority", "organisation", "page", "page_size"} <= names
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("PaginatedTicketOutputList")


def test_token_and_session_auth_are_documented(schema):
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_schema_endpoint_answers(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/tickets/" in response.content


def test_docs_page_answers_and_loads_nothing_from_the_internet(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "cdn" not in html.lower()
    assets = re.findall(r"""(?:src|href)\s*=\s*["'](/static/[^"']+)["']""", html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        # Served from an installed package by the app itself.
        assert finders.find(asset.removeprefix("/static/")), asset


def test_docs_page_turns_off_the_online_spec_validator(client, db):
    # Swagger UI otherwise fetches a badge from validator.swagger.io on any non-localhost address.
    html = client.get("/api/docs/").content.decode()
    assert '"validatorUrl": null' in html
