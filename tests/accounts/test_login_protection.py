"""Password guessing: an account and an address are locked after repeated failures, on every login
path, with the answer a wrong password gets, until the cool-off ends or an administrator unlocks."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.security import login_attempt_claim
from tests.factories import PASSWORD

WRONG = "not-the-password"


@pytest.fixture
def limit(settings):
    return settings.AXES_FAILURE_LIMIT


def web_login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def admin_login(client, username, password, **extra):
    return client.post(reverse("admin:login"), {"username": username, "password": password}, **extra)


def token_login(username, password, **extra):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_right_password_logs_in_without_failures(client, engineer):
    response = web_login(client, "engineer", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_web_login_locks_account_after_repeated_failures(client, engineer, limit):
    for _ in range(limit):
        assert web_login(client, "engineer", WRONG).status_code == 200
    response = web_login(client, "engineer", PASSWORD)
    assert response.status_code == 200
    assert not logged_in(client)
    assert AccessAttempt.objects.filter(username="engineer").exists()


def test_admin_login_locks_account_after_repeated_failures(client, admin_user, limit):
    for _ in range(limit):
        assert admin_login(client, "admin", WRONG).status_code == 200
    response = admin_login(client, "admin", "pass-for-tests-1")
    assert response.status_code == 200
    assert not logged_in(client)


def test_token_endpoint_locks_account_after_repeated_failures(engineer, limit):
    for _ in range(limit):
        assert token_login("engineer", WRONG).status_code == 400
    response = token_login("engineer", PASSWORD)
    assert response.status_code == 400
    assert "token" not in response.json()


def test_locked_account_gets_the_wrong_password_answer_on_the_login_page(client, engineer, limit):
    wrong = web_login(client, "engineer", WRONG)
    for _ in range(limit - 1):
        web_login(client, "engineer", WRONG)
    locked = web_login(client, "engineer", PASSWORD)
    assert locked.status_code == wrong.status_code == 200
    assert locked.context["form"].errors == wrong.context["form"].errors
    assert "Retry-After" not in locked


def test_locked_account_gets_the_wrong_password_answer_from_the_token_endpoint(engineer, limit):
    wrong = token_login("engineer", WRONG)
    for _ in range(limit - 1):
        token_login("engineer", WRONG)
    locked = token_login("engineer", PASSWORD)
    assert locked.status_code == wrong.status_code == 400
    assert locked.json() == wrong.json() == {"non_field_errors": [wrong.json()["non_field_errors"][0]]}
    assert "Retry-After" not in locked


def test_right_password_refused_while_locked_and_accepted_after_cool_off(client, engineer, limit, settings):
    for _ in range(limit):
        web_login(client, "engineer", WRONG)
    web_login(client, "engineer", PASSWORD)
    assert not logged_in(client)
    later = timezone.now() + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    # The in-flight counter expires with the cache's TTL, which starts at the first attempt, so no later than
    # the lock; Redis keeps real time, not time-machine's, so let it expire here as it would by then.
    cache.clear()
    with time_machine.travel(later, tick=False):
        assert web_login(client, "engineer", PASSWORD).status_code == 302
        assert logged_in(client)
        assert token_login("engineer", PASSWORD).status_code == 200


def test_failures_spread_over_more_than_the_cool_off_do_not_lock(client, engineer, limit, settings):
    start = timezone.now()
    for i in range(limit + 1):
        with time_machine.travel(start + i * settings.AXES_COOLOFF_TIME, tick=False):
            web_login(client, "engineer", WRONG)
    with time_machine.travel(start + (limit + 1) * settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)):
        assert web_login(client, "engineer", PASSWORD).status_code == 302


def test_address_is_locked_across_usernames(engineer, limit):
    for i in range(limit):
        token_login(f"guess-{i}", WRONG, REMOTE_ADDR="203.0.113.7")
    assert token_login("engineer", PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 400
    # The account itself is not locked: from another address it logs in.
    assert token_login("engineer", PASSWORD, REMOTE_ADDR="198.51.100.2").status_code == 200


def test_account_is_locked_across_addresses(engineer, limit):
    for i in range(limit):
        token_login("engineer", WRONG, REMOTE_ADDR=f"203.0.113.{i + 1}")
    assert token_login("engineer", PASSWORD, REMOTE_ADDR="198.51.100.2").status_code == 400


def test_guesses_in_flight_count_against_the_limit(rf, engineer, limit):
    """Parallel guesses each claim a slot before their password is checked, so the ones past the limit are
    refused without being evaluated even though no failure has been recorded yet."""
    request = rf.post("/api/v1/auth/token/", REMOTE_ADDR="203.0.113.9")
    for _ in range(limit):
        assert login_attempt_claim(request, "engineer")
    assert not AccessAttempt.objects.exists()
    assert token_login("engineer", PASSWORD).status_code == 400


def test_successful_logins_do_not_use_up_the_limit(engineer, limit):
    for _ in range(limit + 2):
        assert token_login("engineer", PASSWORD).status_code == 200


def test_administrator_unlocks_an_account_in_the_admin(client, engineer, admin_user, limit):
    for _ in range(limit):
        token_login("engineer", WRONG)
    attempt = AccessAttempt.objects.get(username="engineer")
    client.force_login(admin_user)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
    response = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert token_login("engineer", PASSWORD).status_code == 200


def test_administrator_unlocks_with_the_management_command(engineer, limit):
    for _ in range(limit):
        token_login("engineer", WRONG)
    assert token_login("engineer", PASSWORD).status_code == 400
    call_command("axes_reset")
    assert token_login("engineer", PASSWORD).status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_one_locked(settings, engineer, limit):
    settings.LOGIN_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for i in range(limit):
        token_login(f"guess-{i}", WRONG, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7", **proxy)
    # The address the proxy saw is locked; a forged left-most hop does not help, other clients still log in.
    assert token_login("engineer", PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7", **proxy).status_code == 400
    assert token_login("engineer", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy).status_code == 200


def test_form_data_kept_by_axes_masks_password_and_csrf_token(client, engineer):
    client.post(reverse("login"), {"username": "engineer", "password": WRONG, "csrfmiddlewaretoken": "csrf-secret"})
    post_data = AccessAttempt.objects.get().post_data
    assert WRONG not in post_data
    assert "csrf-secret" not in post_data
