"""A worker killed with SIGKILL between claiming a notice and sending it: the notice goes out once."""

import datetime as dt
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from notices.models import Notice, NoticeStatus
from notices.services import STUCK_AFTER, notice_send, notices_requeue
from servicedesk.celery import app as celery_app
from tests.conftest import real_worker_env

ROOT = Path(__file__).resolve().parents[2]
WORKER = (
    "import sys; from servicedesk.celery import app; app.conf.task_default_queue = sys.argv[1]; "
    "app.worker_main(['worker', '--pool', 'solo', '-Q', sys.argv[1], '-l', 'WARNING', '-n', sys.argv[2]])"
)


def start_worker(env: dict, queue: str, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, queue, f"{name}-{queue}@%h"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_notice_whose_worker_is_killed_mid_send_is_sent_once_after_a_restart(redis_url, tmp_path, manager):
    queue = f"test-kill-{uuid.uuid4().hex[:8]}"
    env, mail_dir = real_worker_env(redis_url, tmp_path)
    before = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = False, queue
    celery_app._after_fork()
    first = start_worker(
        {**env, "NOTICE_TRANSPORTS": "tests.notices.hanging_transport.HangingEmailTransport"}, queue, "a"
    )
    second = None
    try:
        (notice,) = notice_send(
            recipients=[manager],
            kind="sla.breach",
            data={
                "reference": "SR-2026-000001",
                "subject": "Array offline",
                "target": "first_response",
                "deadline": timezone.now().isoformat(),
                "level": 100,
            },
        )
        # Queued after commit (autocommit here); the first worker claims it and hangs in the transport.
        assert wait_for(lambda: Notice.objects.get(pk=notice.pk).status == NoticeStatus.SENDING, 90)
        first.send_signal(signal.SIGKILL)  # claimed, not sent
        first.wait(timeout=10)
        assert not list(mail_dir.glob("*.log"))

        second = start_worker(env, queue, "b")
        # STUCK_AFTER later, the outbox's beat hands the dead worker's claim back and queues it.
        Notice.objects.filter(pk=notice.pk).update(claimed_at=timezone.now() - STUCK_AFTER - dt.timedelta(seconds=1))
        assert notices_requeue() == 1
        assert wait_for(lambda: Notice.objects.get(pk=notice.pk).status == NoticeStatus.SENT, 90)
        time.sleep(2)  # let a duplicate show itself
        sent = "".join(p.read_text(errors="replace") for p in mail_dir.glob("*.log"))
        assert sent.count("To: manager@example.com") == 1
        assert Notice.objects.get(pk=notice.pk).attempts == 2
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = before
        celery_app._after_fork()
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
