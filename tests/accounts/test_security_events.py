"""The security audit log: logins, failures, lockouts and refusals, readable by superusers only,
and never a password or a token in it."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import SecurityEvent, SecurityEventKind
from accounts.security import security_event_record
from tests.factories import PASSWORD

WRONG = "not-the-password-xyz"


def kinds() -> list[str]:
    return list(SecurityEvent.objects.order_by("pk").values_list("kind", flat=True))


def test_web_login_is_recorded(client, engineer):
    client.post(reverse("login"), {"username": "engineer", "password": PASSWORD}, HTTP_USER_AGENT="Firefox")
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN)
    assert (event.user, event.username, event.ip_address, event.user_agent, event.path) == (
        engineer,
        "engineer",
        "127.0.0.1",
        "Firefox",
        "/accounts/login/",
    )


def test_logout_is_recorded(client, engineer):
    client.force_login(engineer)
    client.post(reverse("logout"))
    assert SecurityEvent.objects.get(kind=SecurityEventKind.LOGOUT).user == engineer


def test_token_login_is_recorded(engineer):
    APIClient().post("/api/v1/auth/token/", {"username": "engineer", "password": PASSWORD})
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN)
    assert event.user == engineer
    assert event.detail == {"via": "api-token"}


def test_login_failure_is_recorded_with_the_username_tried(client, engineer):
    client.post(reverse("login"), {"username": "enginer", "password": WRONG})
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN_FAILED)
    assert event.user is None
    assert event.username == "enginer"


def test_lockout_is_recorded(engineer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        APIClient().post("/api/v1/auth/token/", {"username": "engineer", "password": WRONG})
    # axes' receiver runs first, so the lockout is written just before the failure that caused it.
    assert sorted(kinds()) == sorted(["login_failed"] * settings.AXES_FAILURE_LIMIT + ["lockout"])
    assert SecurityEvent.objects.get(kind=SecurityEventKind.LOCKOUT).username == "engineer"


def test_refused_page_is_recorded(client, customer):
    client.force_login(customer)
    assert client.get(reverse("dispatch:roster")).status_code == 403
    event = SecurityEvent.objects.get(kind=SecurityEventKind.PERMISSION_DENIED)
    assert (event.user, event.path, event.detail) == (customer, reverse("dispatch:roster"), {"method": "GET"})


def test_refused_api_call_is_recorded_with_the_token_user(customer):
    from rest_framework.authtoken.models import Token

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=customer).key}")
    assert api.get("/api/v1/duty-shifts/now/").status_code == 403
    event = SecurityEvent.objects.get(kind=SecurityEventKind.PERMISSION_DENIED)
    assert (event.user, event.path) == (customer, "/api/v1/duty-shifts/now/")


def test_no_password_or_token_is_ever_stored(client, engineer, settings):
    client.post(reverse("login"), {"username": "engineer", "password": WRONG})
    token = APIClient().post("/api/v1/auth/token/", {"username": "engineer", "password": PASSWORD}).json()["token"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": "engineer", "password": WRONG})
    security_event_record(
        SecurityEventKind.SETTINGS_CHANGED,
        engineer,
        RequestFactory().post("/settings/"),
        {"field": "smtp", "smtp_password": "hunter2", "nested": {"api_token": token}, "changed": ["host"]},
    )
    assert set(kinds()) >= {"login", "login_failed", "lockout", "settings_changed"}
    dump = json.dumps([model_to_dict(e) for e in SecurityEvent.objects.all()], default=str)
    for secret in (WRONG, PASSWORD, token, "hunter2"):
        assert secret not in dump
    changed = SecurityEvent.objects.get(kind=SecurityEventKind.SETTINGS_CHANGED)
    assert changed.detail["field"] == "smtp"
    assert changed.detail["changed"] == ["host"]


@pytest.mark.parametrize("persona", ["manager", "staff_with_permission"])
def test_audit_log_is_for_superusers_only(client, request, persona, manager):
    if persona == "staff_with_permission":
        user = manager
        user.is_staff = True
        user.save()
        user.user_permissions.add(Permission.objects.get(codename="view_securityevent"))
    else:
        user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(reverse("admin:accounts_securityevent_changelist"))
    assert response.status_code in (302, 403)
    assert response.status_code != 200


def test_superuser_reads_the_audit_log_filtered_by_kind(client, admin_user, engineer):
    client.post(reverse("login"), {"username": "engineer", "password": WRONG})
    client.force_login(admin_user)
    response = client.get(reverse("admin:accounts_securityevent_changelist"), {"kind__exact": "login_failed"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == list(SecurityEvent.objects.filter(kind="login_failed"))
    event = SecurityEvent.objects.get(kind="login_failed")
    assert client.get(reverse("admin:accounts_securityevent_change", args=[event.pk])).status_code == 200
    assert (
        client.post(reverse("admin:accounts_securityevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    )
