"""Optional TOTP two-factor login for staff: enrol and remove a device on one's own page; a login with a
device owes a code before pages work; with TWO_FACTOR_REQUIRED_FOR_ADMINS, administrators must enrol."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts.models import SecurityEvent, SecurityEventKind
from tests.factories import PASSWORD

QUEUE = reverse("tickets:queue")
SETUP = reverse("two-factor")
VERIFY = reverse("two-factor-verify")


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    return f"{(int(code_for(device)) + 1) % 1_000_000:06d}"


def web_login(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password, "next": QUEUE})


@pytest.fixture
def engineer_device(engineer):
    return TOTPDevice.objects.create(user=engineer, name="default", confirmed=True)


def test_staff_member_enrols_a_device_with_a_valid_code(client, engineer):
    client.force_login(engineer)
    page = client.get(SETUP)
    assert page.status_code == 200
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=engineer, confirmed=False)
    assert page.context["secret"].replace(" ", "") in page.content.decode().replace(" ", "")

    response = client.post(SETUP, {"code": code_for(device)})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.TWO_FACTOR_ENABLED, user=engineer).exists()
    assert client.get(QUEUE).status_code == 200  # this session gave its code by confirming


def test_enrolment_with_a_wrong_code_is_refused(client, engineer):
    client.force_login(engineer)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=engineer)

    response = client.post(SETUP, {"code": wrong_code_for(device)})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    device.refresh_from_db()
    assert not device.confirmed


def test_enrolled_engineer_must_give_the_code_before_pages_work(client, engineer, engineer_device):
    response = web_login(client, "engineer")
    assert response.status_code == 302

    page = client.get(QUEUE)
    assert page.status_code == 302
    assert page.url == f"{VERIFY}?next={QUEUE}"
    assert client.get(reverse("home")).url.startswith(VERIFY)

    response = client.post(VERIFY, {"code": code_for(engineer_device), "next": QUEUE})

    assert response.status_code == 302
    assert response.url == QUEUE
    assert client.get(QUEUE).status_code == 200


def test_session_owing_a_code_is_anonymous_to_the_api_but_tokens_still_work(client, engineer, engineer_device):
    web_login(client, "engineer")
    assert client.get("/api/v1/tickets/").status_code in (401, 403)

    token = Token.objects.create(user=engineer)
    assert client.get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200


def test_wrong_code_at_login_is_a_recorded_failure_that_counts_towards_the_lockout(
    client, engineer, engineer_device, settings
):
    web_login(client, "engineer")

    response = client.post(VERIFY, {"code": wrong_code_for(engineer_device), "next": QUEUE})

    assert response.status_code == 200
    assert client.get(QUEUE).url.startswith(VERIFY)
    failure = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN_FAILED, username="engineer")
    assert failure.detail == {"step": "two_factor"}
    assert AccessAttempt.objects.get(username="engineer").failures_since_start == 1


def test_repeated_wrong_codes_lock_the_account_and_end_the_session(client, engineer, engineer_device, settings):
    web_login(client, "engineer")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(VERIFY, {"code": wrong_code_for(engineer_device)})

    assert response.status_code == 302
    assert response.url == reverse("login")
    assert "_auth_user_id" not in client.session
    assert web_login(client, "engineer").status_code == 200  # locked: the password is refused too


def test_removing_the_device_needs_a_valid_code(client, engineer, engineer_device):
    client.force_login(engineer)
    client.post(VERIFY, {"code": code_for(engineer_device)})
    engineer_device.refresh_from_db()  # the code just used is spent (no replay)
    engineer_device.last_t = -1
    engineer_device.save()

    assert client.get(SETUP).context["enrolled"]
    response = client.post(SETUP, {"code": code_for(engineer_device)})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=engineer).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.TWO_FACTOR_DISABLED, user=engineer).exists()
    assert client.get(QUEUE).status_code == 200


def test_removing_the_device_with_a_wrong_code_is_refused(client, engineer, engineer_device):
    client.force_login(engineer)
    client.post(VERIFY, {"code": code_for(engineer_device)})

    response = client.post(SETUP, {"code": wrong_code_for(engineer_device)})

    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=engineer, confirmed=True).exists()


def test_customer_gets_404_on_the_enrolment_page(client, customer):
    client.force_login(customer)
    assert client.get(SETUP).status_code == 404
    assert not TOTPDevice.objects.exists()


def test_with_the_setting_on_an_administrator_without_a_device_must_enrol_first(client, admin_user, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_ADMINS = True
    response = client.post(reverse("login"), {"username": "admin", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].startswith(SETUP)
    assert response.context["required"]

    for path in ("/admin/", "/manage/", QUEUE):
        assert client.get(path).url.startswith(SETUP), path

    device = TOTPDevice.objects.get(user=admin_user)
    client.post(SETUP, {"code": code_for(device)})

    assert client.get("/admin/").status_code == 200
    assert client.get("/manage/").status_code == 200


def test_with_the_setting_on_the_admin_site_refuses_a_session_that_owes_a_code(rf, admin_user, settings):
    from django.contrib import admin
    from django.contrib.sessions.backends.db import SessionStore

    settings.TWO_FACTOR_REQUIRED_FOR_ADMINS = True
    request = rf.get("/admin/")
    request.session = SessionStore()
    request.user = admin_user
    admin_user.is_verified = lambda: False
    assert not admin.site.has_permission(request)


def test_with_the_setting_on_other_staff_without_a_device_are_not_asked(client, engineer, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_ADMINS = True
    web_login(client, "engineer")
    assert client.get(QUEUE).status_code == 200


def test_with_the_setting_off_an_administrator_without_a_device_uses_the_admin_as_before(client, admin_user):
    client.post(reverse("login"), {"username": "admin", "password": PASSWORD})
    assert client.get("/admin/").status_code == 200
    assert client.get(SETUP).status_code == 200  # may still enrol
