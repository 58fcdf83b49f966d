import os
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.db import connection

from accounts.roles import Role
from servicedesk.celery import app as celery_app

from .factories import ContactFactory, DepartmentFactory, make_staff

IN_CI = os.environ.get("CI", "").lower() == "true"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"


def pytest_collection_modifyitems(config, items):
    # Outside CI a test that needs PostgreSQL skips when the suite runs on SQLite;
    # in CI the suite must run on PostgreSQL (see .ci/run), so nothing skips.
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    if on_postgres:
        return
    if IN_CI:
        raise pytest.UsageError("CI=true: the suite must run on PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…"))


@pytest.fixture
def redis_url():
    """The Redis to test against. Outside CI, skip when there is none; in CI it must be there."""
    import redis

    url = os.environ.get("REDIS_URL", "")
    try:
        if not url:
            raise redis.ConnectionError("REDIS_URL is not set")
        redis.Redis.from_url(url).ping()
    except redis.RedisError as e:
        if IN_CI:
            pytest.fail(f"CI=true but Redis is unreachable: {e}")
        pytest.skip(f"needs Redis: {e}")
    return url


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Tests start without SLA policies: the seed migration's are product data (like the demo
    data), and every app's tests would otherwise find clocks and SLA events on their cases."""
    from sla.models import Calendar, SlaPolicy

    with django_db_blocker.unblock():
        SlaPolicy.objects.all().delete()  # and their targets
        Calendar.objects.all().delete()


@pytest.fixture(scope="session", autouse=True)
def _compiled_messages():
    """`make test` compiles the catalogs first; running pytest directly should work as well."""
    from django.utils.translation import trans_real

    compiled = False
    for po in LOCALE_DIR.glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        # Write aside and rename: with xdist, two workers may compile at the same time.
        tmp = mo.with_name(f"django.{os.getpid()}.mo.tmp")
        with tmp.open("wb") as f:
            write_mo(f, catalog)
        os.replace(tmp, mo)
        compiled = True
    if compiled:
        # Catalogs loaded before the compile would otherwise stay empty in this process.
        trans_real._translations = {}
        trans_real._default = None


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (routing table, throttles), as its database starts empty."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def celery_eager():
    """Run .delay() inline (the test settings' default); the app is configured already, so set its conf."""
    before = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield celery_app
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before


@pytest.fixture
def department(db):
    return DepartmentFactory(code="after-sales", name="After-sales support", is_default=True)


@pytest.fixture
def customer(db, department):
    return ContactFactory(username="customer")


@pytest.fixture
def other_customer(db):
    return ContactFactory(username="other-customer")


@pytest.fixture
def agent(db):
    return make_staff(Role.AGENT, username="agent")


@pytest.fixture
def engineer(db):
    return make_staff(Role.ENGINEER, username="engineer")


@pytest.fixture
def other_engineer(db):
    return make_staff(Role.ENGINEER, username="other-engineer")


@pytest.fixture
def manager(db):
    return make_staff(Role.MANAGER, username="manager")


@pytest.fixture
def project_manager(db):
    return make_staff(Role.PROJECT_MANAGER, username="pm")


@pytest.fixture
def admin_user(db):
    from accounts.models import User

    return User.objects.create_superuser("admin", "admin@example.com", "pass-for-tests-1")


def database_vendor() -> str:
    return connection.vendor


def real_worker_env(redis_url: str, tmp_path) -> tuple[dict[str, str], Path]:
    """The environment for a real Celery worker process in a test, and the folder its mail goes to.

    The worker runs the real settings (pytest-django exported the test ones, with in-memory
    mail) against this test's database and Redis, and writes each email to a file.
    """
    db = connection.settings_dict
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "VAR_DIR": str(tmp_path / "var"),
    }
    return env, mail_dir
