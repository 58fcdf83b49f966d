import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in the test thread; Django's live_server
# then refuses ORM calls from it unless told this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def pytest_configure(config):
    # A failing browser test leaves a screenshot of every page it had open (pytest-playwright's
    # --screenshot/--output), in the git-ignored folder, unless asked otherwise.
    if config.getoption("--output", default=None) == "test-results":
        config.option.output = str(ARTIFACTS / "failures")
    if config.getoption("--screenshot", default=None) == "off":
        config.option.screenshot = "only-on-failure"
        config.option.full_page_screenshot = True


@pytest.fixture(scope="session")
def base_url() -> None:
    # Pages are opened on the live server (log_in below), not on a --base-url. This also
    # replaces pytest-playwright's own base_url fixture, which pytest 9 warns about.
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Each person's locale and the live server's address are set per context (log_in below).
    args = {k: v for k, v in browser_context_args.items() if k not in ("base_url", "locale", "viewport")}
    return {**args, "viewport": {"width": 1280, "height": 800}}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"needs Debian's Chromium at {CHROMIUM}: apt-get install chromium fonts-noto-cjk")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        # The network is closed: without these Chromium keeps trying to reach the internet.
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def t(language: str, message: str, **params) -> str:
    """What the page shows for ``message`` in ``language``: the same catalogs the server reads.

    Before the translations are compiled (``make messages``) this is the English source
    text, as the page then shows too; afterwards it is the translation.
    """
    with translation.override(language):
        text = translation.gettext(message)
    return text % params if params else text


@pytest.fixture
def screenshot() -> Callable[[Page, str], None]:
    """Save a full-page screenshot of ``page`` as tests/artifacts/<name>.png (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take


class Person:
    """One person at their own browser: a context (cookies, language) and a page."""

    def __init__(self, page: Page, user, language: str):
        self.page = page
        self.user = user
        self.language = language  # what the pages are expected to be in; switch_language() changes it

    def t(self, message: str, **params) -> str:
        return t(self.language, message, **params)

    def switch_language(self, code: str) -> None:
        """Use the language switcher in the menu bar, as a person would."""
        switch = self.page.get_by_role("button", name=self.t("Switch language"))
        self.page.get_by_label(self.t("Language")).select_option(code)
        switch.click()
        self.language = code
        expect(self.page.locator("html")).to_have_attribute("lang", code)


@pytest.fixture
def log_in(new_context, live_server) -> Callable[..., Person]:
    """Open a browser context for a user and log in through the login form.

    Every request any of these pages makes is recorded in ``log_in.requests``, so a test
    can check that nothing is fetched from outside the app.
    """
    requests: list[str] = []

    def open_as(user, *, locale: str = "zh-CN") -> Person:
        # A Chinese desk: browsers ask for Chinese, as Django's default language is.
        context = new_context(locale=locale, base_url=live_server.url)  # closed by pytest-playwright
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        person = Person(page, user, "zh-hans" if locale.startswith("zh") else "en")
        page.goto("/accounts/login/")
        expect(page.get_by_label(person.t("Username"))).to_be_focused()
        page.get_by_label(person.t("Username")).fill(user.username)
        page.get_by_label(person.t("Password")).fill(PASSWORD)
        page.get_by_role("button", name=person.t("Log in")).click()
        # Logged in: the menu bar names the person.
        expect(page.locator("nav .navbar-text")).to_have_text(str(user))
        return person

    open_as.requests = requests
    return open_as
