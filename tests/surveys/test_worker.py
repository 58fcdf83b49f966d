"""The survey email goes out through a real Celery worker process, over Redis, against PostgreSQL."""

import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from servicedesk.celery import app as celery_app
from surveys.models import Survey
from tests.conftest import real_worker_env
from tests.factories import make_ticket
from tickets.lifecycle import Action
from tickets.services import ticket_resolve, ticket_transition

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(redis_url, tmp_path):
    """A worker on a queue of its own, so nothing else in Redis reaches it and it takes nothing else."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env, mail_dir = real_worker_env(redis_url, tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "servicedesk", "worker", "--pool", "solo", "-Q", queue, "-l", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    before = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield mail_dir
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = before
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_resolving_a_case_emails_the_survey_through_a_real_worker(worker, department, customer, engineer, manager):
    ticket = make_ticket(contact=customer)
    ticket_transition(ticket_id=ticket.pk, action=Action.ASSIGN, actor=manager, assignee=engineer)
    ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)
    ticket_resolve(ticket_id=ticket.pk, resolution="Firmware updated.", actor=engineer)
    survey = Survey.objects.get(ticket=ticket)

    deadline = time.monotonic() + 60
    sent = ""
    while time.monotonic() < deadline and survey.token not in sent:
        time.sleep(0.5)
        sent = "".join(p.read_text(errors="replace") for p in worker.glob("*.log")) if worker.exists() else ""
    assert survey.token in sent, "the worker did not send the survey email within 60 s"
    assert customer.email in sent
    survey.refresh_from_db()
    assert survey.sent_at is not None
