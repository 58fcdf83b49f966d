"""Schemathesis fuzzes every operation of the served schema as a manager: no answer is a 5xx.

The app runs as in production (gunicorn, DEBUG off) against the test database; schemathesis runs
its coverage phase (boundary values: huge numbers, impossible dates, odd strings) and then random
inputs, bounded by ``--max-time`` so CI grows by about two and a half minutes.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.factories import make_ticket

BIN = Path(sys.executable).parent
MAX_SECONDS = 150


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(tmp_path) -> dict[str, str]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "DEBUG": "false",
        "SECRET_KEY": "fuzz-test-secret-key-not-for-production-0123456789-abcdefghij",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "VAR_DIR": str(tmp_path / "var"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # Let the fuzzer reach the anonymous endpoints' code rather than the throttle.
        "API_ANON_RATE": "100000/min",
        "LOG_LEVEL": "ERROR",
        # No collectstatic here: pages (a 404 for schemathesis' probe) render without the manifest.
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    # No Redis: queued work goes to a folder under tmp_path, never into a queue other tests read.
    env.pop("REDIS_URL", None)
    return env


@pytest.fixture
def served_api(transactional_db, tmp_path):
    port = _free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "servicedesk.wsgi"],
        env=_server_env(tmp_path),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/api/schema/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not start: " + (tmp_path / "server.log").read_text()[-2000:])
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.mark.postgres
def test_fuzzing_every_api_operation_finds_no_server_error(served_api, manager, customer, engineer, tmp_path):
    make_ticket(contact=customer, subject="Controller restarts every night")
    token = Token.objects.create(user=manager)
    started = time.monotonic()
    result = subprocess.run(
        [
            str(BIN / "schemathesis"),
            "run",
            f"{served_api}/api/schema/",
            "--url",
            served_api,
            "--checks",
            "not_a_server_error",
            "-H",
            f"Authorization: Token {token.key}",
            "--phases",
            "coverage,fuzzing",
            "--max-examples",
            "5",
            "--max-time",
            str(MAX_SECONDS),
            "--workers",
            "2",
            "--generation-database",
            "none",
            "--seed",
            "20261202",
            "--warnings",
            "off",
            "--no-color",
            "--output-truncate",
            "true",
        ],
        capture_output=True,
        text=True,
        timeout=MAX_SECONDS + 120,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
        cwd=tmp_path,
    )
    print(f"schemathesis ran for {time.monotonic() - started:.0f} s")
    errors = [line for line in (tmp_path / "server.log").read_text().splitlines() if "Error" in line]
    assert result.returncode == 0, "\n".join([result.stdout[-8000:], result.stderr[-2000:], *errors[-40:]])
