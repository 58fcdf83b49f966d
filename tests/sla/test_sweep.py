"""The sweep: reads only what is due, records once, notifies once; survives a broker outage."""

import datetime as dt
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from notices.models import Notice, NoticeStatus
from notices.services import QUEUED_GRACE, notices_requeue
from servicedesk.celery import app as celery_app
from sla.clocks import SLA_EVENT
from sla.models import ClockState, SlaClock, TargetKind
from sla.services import sla_check_due
from tests.conftest import real_worker_env
from tests.factories import make_ticket
from tests.outages import broker_down
from tickets.lifecycle import Action
from tickets.models import Priority, TicketEvent
from tickets.services import ticket_comment, ticket_transition, ticket_update

from .conftest import sh

ROOT = Path(__file__).resolve().parents[2]


def test_breach_notifies_manager_and_project_manager_once_by_email_and_in_the_app(
    policies, customer, manager, project_manager, engineer, celery_eager, django_capture_on_commit_callbacks, clock_at
):
    traveller = clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer, priority=Priority.URGENT)
    traveller.move_to(sh(2026, 3, 2, 11, 1))
    with django_capture_on_commit_callbacks(execute=True):
        sla_check_due()
        sla_check_due()
    notes = Notice.objects.filter(ticket_id=ticket.pk, kind="sla.breach")
    assert sorted(n.recipient.username for n in notes) == ["manager", "pm"]
    assert all(n.status == NoticeStatus.SENT and n.sent_at is not None and n.read_at is None for n in notes)
    assert sorted(m.to[0] for m in mail.outbox) == ["manager@example.com", "pm@example.com"]
    assert ticket.reference in mail.outbox[0].subject


def test_warning_notifies_the_manager_only(
    policies, customer, manager, project_manager, celery_eager, django_capture_on_commit_callbacks, clock_at
):
    traveller = clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer, priority=Priority.URGENT)
    traveller.move_to(sh(2026, 3, 2, 10, 35))
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_check_due().warnings == 1
    note = Notice.objects.get(ticket_id=ticket.pk)
    assert (note.recipient, note.kind, note.data["level"]) == (manager, "sla.warning", 75)
    assert len(mail.outbox) == 1


def test_sweep_with_nothing_due_reads_one_indexed_query(policies, customer, clock_at, django_assert_num_queries):
    clock_at(sh(2026, 3, 2, 9))
    make_ticket(contact=customer)
    # savepoint, due clocks (next_due_at <= now), release (unsent notices are the outbox beat's)
    with django_assert_num_queries(3):
        result = sla_check_due()
    assert (result.warnings, result.breaches) == (0, 0)


def test_paused_and_stopped_clocks_are_never_read_by_the_sweep(policies, customer, engineer, clock_at):
    clock_at(sh(2026, 3, 2, 9))
    ticket = make_ticket(contact=customer)
    ticket_comment(ticket_id=ticket.pk, actor=engineer, body="On it.")
    stopped = SlaClock.objects.get(ticket=ticket, kind=TargetKind.FIRST_RESPONSE)
    assert stopped.next_due_at is None
    assert SlaClock.objects.filter(next_due_at__isnull=False).count() == 1  # the resolution clock


# --- the broker is down -------------------------------------------------------------------------


def test_broker_down_cases_still_work_and_the_next_sweep_catches_up(
    policies, customer, manager, project_manager, engineer, agent, django_capture_on_commit_callbacks
):
    # Real time here: a frozen clock would freeze the broker client's connection timeouts too.
    with broker_down():
        with django_capture_on_commit_callbacks(execute=True):
            ticket = make_ticket(contact=customer)
            ticket_update(ticket_id=ticket.pk, actor=agent, priority=Priority.URGENT)
            ticket_transition(ticket_id=ticket.pk, action=Action.ASSIGN, actor=manager, assignee=engineer)
        # The deadline passes while the broker is still down.
        past = timezone.now() - dt.timedelta(minutes=5)
        SlaClock.objects.filter(ticket=ticket, kind=TargetKind.FIRST_RESPONSE).update(deadline=past, next_due_at=past)
        with django_capture_on_commit_callbacks(execute=True):
            result = sla_check_due()  # a sweep run by hand (or a beat that reached the database)
        assert result.breaches == 1
        assert Notice.objects.filter(status=NoticeStatus.PENDING).count() == 2  # not queued: logged
    # The broker is back: the outbox's next beat queues what never left, and the worker sends it.
    assert notices_requeue(timezone.now() + QUEUED_GRACE) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["manager@example.com", "pm@example.com"]
    assert not Notice.objects.exclude(status=NoticeStatus.SENT).exists()
    assert TicketEvent.objects.filter(ticket=ticket, kind=SLA_EVENT, data__sla="breach").count() == 1


def test_a_failed_enqueue_is_logged_not_raised(db, caplog):
    from core.tasks import enqueue
    from notices.tasks import notice_deliver

    with broker_down():
        assert enqueue(notice_deliver, [0]) is False
    assert "could not queue" in caplog.text


# --- two real workers -------------------------------------------------------------------------------


# The worker's own default queue must be the private one too: the sweep queues the email tasks.
WORKER = (
    "import sys; from servicedesk.celery import app; app.conf.task_default_queue = sys.argv[1]; "
    "app.worker_main(['worker', '--pool', 'solo', '-Q', sys.argv[1], '-l', 'WARNING', '-n', sys.argv[2]])"
)


@pytest.fixture
def two_workers(redis_url, tmp_path):
    queue = f"test-sla-{uuid.uuid4().hex[:8]}"
    env, mail_dir = real_worker_env(redis_url, tmp_path)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, queue, f"sla{i}-{queue}@%h"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(2)
    ]
    before = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    celery_app._after_fork()
    try:
        yield mail_dir
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = before
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_record_and_notify_each_breach_once(
    two_workers, policies, customer, manager, project_manager
):
    from sla.tasks import sla_sweep

    tickets = [make_ticket(contact=customer, priority=Priority.URGENT) for _ in range(40)]
    # Their first-response deadlines passed a minute ago (the workers run on the real clock).
    past = timezone.now() - dt.timedelta(minutes=1)
    SlaClock.objects.filter(kind=TargetKind.FIRST_RESPONSE).update(deadline=past, next_due_at=past)
    for _ in range(6):  # several sweeps at once, split over both workers
        sla_sweep.delay()

    expected = len(tickets) * 2  # manager and project manager
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if Notice.objects.filter(status=NoticeStatus.SENT).count() >= expected:
            break
        time.sleep(0.5)
    time.sleep(2)  # let any duplicate show itself
    assert SlaClock.objects.filter(kind=TargetKind.FIRST_RESPONSE, breached_at=past).count() == len(tickets)
    assert TicketEvent.objects.filter(kind=SLA_EVENT, data__sla="breach").count() == len(tickets)
    assert Notice.objects.count() == expected
    assert Notice.objects.filter(status=NoticeStatus.SENT, attempts=1).count() == expected
    sent = "".join(p.read_text(errors="replace") for p in two_workers.glob("*.log"))
    assert sent.count("To: manager@example.com") == len(tickets)
    assert sent.count("To: pm@example.com") == len(tickets)
    assert SlaClock.objects.filter(kind=TargetKind.FIRST_RESPONSE, state=ClockState.RUNNING).count() == len(tickets)
