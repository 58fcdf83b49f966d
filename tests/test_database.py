import os

from django.db import connection


def test_suite_runs_on_the_configured_database(db):
    # .ci/run greps for this line to prove the suite ran on PostgreSQL.
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected
