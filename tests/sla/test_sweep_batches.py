"""Many breaches at once: claimed in one UPDATE per batch, notifications queued a batch per message."""

from django.core import mail
from django.utils import timezone

from notices import services
from notices.models import Notice, NoticeStatus
from notices.services import notices_deliver
from sla.models import SlaClock
from sla.services import sla_check_due
from tests.factories import make_ticket
from tickets.models import Priority

from .conftest import sh


def test_a_sweep_records_every_breach_once_and_queues_notifications_in_batches(
    policies,
    customer,
    manager,
    project_manager,
    celery_eager,
    django_capture_on_commit_callbacks,
    clock_at,
    monkeypatch,
):
    queued = []

    def enqueue(task, *args):
        queued.append((task.name, args))
        task.apply(args=args)
        return True

    monkeypatch.setattr(services, "enqueue", enqueue)
    monkeypatch.setattr(services, "DELIVER_BATCH", 4)
    traveller = clock_at(sh(2026, 3, 2, 9))
    tickets = [make_ticket(contact=customer, priority=Priority.URGENT) for _ in range(5)]
    traveller.move_to(sh(2026, 3, 2, 11, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_check_due(batch_size=3).breaches == 5  # two batches of clocks
        assert sla_check_due().breaches == 0
    assert SlaClock.objects.filter(ticket__in=tickets, breached_at__isnull=False).count() == 5
    # 5 breaches × (manager, pm) = 10 rows, at most 4 per message, each queued and emailed once.
    assert {name for name, _ in queued} == {"notices.tasks.notice_deliver"}
    assert max(len(args[0]) for _, args in queued) == 4
    assert sorted(pk for _, args in queued for pk in args[0]) == sorted(Notice.objects.values_list("pk", flat=True))
    assert len(mail.outbox) == 10
    assert not Notice.objects.exclude(status=NoticeStatus.SENT).exists()


def test_a_send_that_fails_in_a_batch_is_retried_on_its_own(
    policies, customer, manager, project_manager, celery_eager, clock_at, monkeypatch
):
    traveller = clock_at(sh(2026, 3, 2, 9))
    make_ticket(contact=customer, priority=Priority.URGENT)
    traveller.move_to(sh(2026, 3, 2, 11, 1))
    monkeypatch.setattr(services, "enqueue", lambda task, *args: True)  # nothing sent by the sweep
    sla_check_due()
    notes = list(Notice.objects.order_by("pk").values_list("pk", flat=True))
    assert len(notes) == 2

    from notices import transports

    real_send = transports.send_mail

    def send_mail(subject, body, sender, to):
        if to == ["pm@example.com"]:
            raise OSError("mail server went away")
        return real_send(subject, body, sender, to)

    monkeypatch.setattr(transports, "send_mail", send_mail)
    assert notices_deliver(notes) == {"sent": 1, "retrying": 1}
    assert [m.to for m in mail.outbox] == [["manager@example.com"]]
    pm_note = Notice.objects.get(recipient=project_manager)
    assert pm_note.status == NoticeStatus.RETRYING
    assert pm_note.sent_at is None
    assert "mail server went away" in pm_note.last_error
    assert pm_note.next_attempt_at > timezone.now()  # its next try is the outbox beat's, after a backoff
