"""The UI speaks Simplified Chinese by default and English on request: browser language,
the switcher on every page, and each user's saved preference; every string is translated."""

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from tickets.models import Ticket

from .factories import make_ticket

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
ZH_PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
CHINESE_NAME = "简体中文"


def _read_zh_catalog():
    with ZH_PO.open("rb") as f:
        return read_po(f)


# -- which language a page is in ------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_in_chinese_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "登录服务台" in response.content.decode()


@pytest.mark.django_db
def test_browser_asking_for_zh_cn_gets_chinese(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.8")
    assert "登录服务台" in response.content.decode()


@pytest.mark.django_db
def test_browser_asking_for_english_gets_english(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Log in to the service desk" in body
    assert "登录服务台" not in body


@pytest.mark.django_db
def test_customer_portal_is_in_chinese_by_default(client, customer):
    client.force_login(customer)
    body = client.get(reverse("tickets:portal")).content.decode()
    assert "本单位的工单" in body
    assert "My organisation's cases" not in body


@pytest.mark.django_db
def test_customer_portal_follows_an_english_browser(client, customer):
    client.force_login(customer)
    body = client.get(reverse("tickets:portal"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My organisation's cases" in body


@pytest.mark.django_db
def test_saved_english_preference_wins_over_a_chinese_browser(client, customer):
    customer.language = "en"
    customer.save(update_fields=["language"])
    client.force_login(customer)
    body = client.get(reverse("tickets:portal"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "My organisation's cases" in body


@pytest.mark.django_db
def test_saved_chinese_preference_wins_over_an_english_browser(client, customer):
    customer.language = "zh-hans"
    customer.save(update_fields=["language"])
    client.force_login(customer)
    body = client.get(reverse("tickets:portal"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "本单位的工单" in body


# -- the switcher ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["login", "tickets:public-request"])
def test_public_pages_show_the_language_switcher(client, url_name):
    body = client.get(reverse(url_name)).content.decode()
    assert f'action="{reverse("set_language")}"' in body
    assert CHINESE_NAME in body
    assert "English" in body


@pytest.mark.django_db
def test_staff_and_portal_pages_show_the_language_switcher(client, customer, manager):
    client.force_login(customer)
    assert f'action="{reverse("set_language")}"' in client.get(reverse("tickets:portal")).content.decode()
    client.force_login(manager)
    assert f'action="{reverse("set_language")}"' in client.get(reverse("tickets:queue")).content.decode()


@pytest.mark.django_db
def test_switching_language_saves_it_on_the_user(client, customer):
    client.force_login(customer)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("tickets:portal")})
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:portal")
    customer.refresh_from_db()
    assert customer.language == "en"
    # A Chinese browser no longer matters: the saved choice wins.
    body = client.get(reverse("tickets:portal"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "My organisation's cases" in body


@pytest.mark.django_db
def test_switching_back_to_chinese_saves_it_too(client, customer):
    customer.language = "en"
    customer.save(update_fields=["language"])
    client.force_login(customer)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("tickets:portal")})
    customer.refresh_from_db()
    assert customer.language == "zh-hans"
    assert "本单位的工单" in client.get(reverse("tickets:portal"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.django_db
def test_switching_language_without_an_account_sets_the_cookie(client):
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Log in to the service desk" in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_an_unknown_language_is_not_saved(client, customer):
    client.force_login(customer)
    client.post(reverse("set_language"), {"language": "xx", "next": reverse("tickets:portal")})
    customer.refresh_from_db()
    assert customer.language == ""


# -- the catalog ----------------------------------------------------------------------------


def test_every_chinese_message_is_translated():
    catalog = _read_zh_catalog()
    assert not catalog.fuzzy, "the zh_Hans catalog header is fuzzy: pybabel would skip the whole file"
    untranslated, fuzzy = [], []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if not all(s.strip() for s in strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"untranslated in {ZH_PO}: {untranslated}"
    assert not fuzzy, f"fuzzy (unchecked) in {ZH_PO}: {fuzzy}"


def test_chinese_catalog_declares_one_plural_form():
    catalog = _read_zh_catalog()
    assert catalog.num_plurals == 1
    assert catalog.plural_expr == "0"


def test_chinese_catalog_passes_babels_checks():
    # The same placeholder checks `pybabel compile` runs: an error there breaks `make messages`.
    problems = [(m.id, [str(e) for e in errors]) for m, errors in _read_zh_catalog().check()]
    assert not problems


def test_the_chinese_translation_is_the_one_in_use():
    with translation.override("zh-hans"):
        assert translation.gettext("Waiting for customer") == "等待客户反馈"
    with translation.override("en"):
        assert translation.gettext("Waiting for customer") == "Waiting for customer"


# -- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_dates_read_year_month_day_hour_minute_in_every_language(language):
    moment = dt.datetime(2026, 3, 5, 9, 7, tzinfo=dt.UTC)
    # date_format does not convert time zones: what goes in is what is shown.
    with translation.override(language):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "2026-03-05 09:07"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "2026-03-05 09:07"
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "2026-03-05"
        assert formats.date_format(moment.date(), "DATE_FORMAT") == "2026-03-05"


@pytest.mark.django_db
@pytest.mark.parametrize("accept_language", ["zh-CN", "en"])
def test_case_page_shows_dates_as_year_month_day_hour_minute(client, customer, accept_language):
    ticket = make_ticket(contact=customer)
    # 01:07 UTC is 09:07 in Shanghai, the default time zone.
    Ticket.objects.filter(pk=ticket.pk).update(created_at=dt.datetime(2026, 3, 5, 1, 7, tzinfo=dt.UTC))
    client.force_login(customer)
    body = client.get(
        reverse("tickets:portal-case", args=[ticket.reference]), HTTP_ACCEPT_LANGUAGE=accept_language
    ).content.decode()
    assert "2026-03-05 09:07" in body
