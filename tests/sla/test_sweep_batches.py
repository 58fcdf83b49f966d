"""Many breaches at once: claimed in one UPDATE per batch, notifications queued a batch per message."""

from django.core import mail

from sla import services
from sla.models import Notification, SlaClock
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
    monkeypatch.setattr(services, "NOTIFY_BATCH", 4)
    traveller = clock_at(sh(2026, 3, 2, 9))
    tickets = [make_ticket(contact=customer, priority=Priority.URGENT) for _ in range(5)]
    traveller.move_to(sh(2026, 3, 2, 11, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert sla_check_due(batch_size=3).breaches == 5  # two batches of clocks
        assert sla_check_due().breaches == 0
    assert SlaClock.objects.filter(ticket__in=tickets, breached_at__isnull=False).count() == 5
    # 5 breaches × (manager, pm) = 10 rows, at most 4 per message. (In a test the on-commit queueing
    # runs last, so the sweeps' catch-up queued them too: each row is still emailed once.)
    assert {name for name, _ in queued} == {"sla.tasks.sla_send_notifications"}
    assert max(len(args[0]) for _, args in queued) == 4
    assert len(mail.outbox) == 10
    assert not Notification.objects.filter(sent_at=None).exists()


def test_a_send_that_fails_in_a_batch_is_queued_again_on_its_own(
    policies, customer, manager, project_manager, celery_eager, clock_at, monkeypatch
):
    traveller = clock_at(sh(2026, 3, 2, 9))
    make_ticket(contact=customer, priority=Priority.URGENT)
    traveller.move_to(sh(2026, 3, 2, 11, 1))
    monkeypatch.setattr(services, "enqueue", lambda task, *args: True)  # nothing sent by the sweep
    sla_check_due()
    notes = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    assert len(notes) == 2

    from sla import tasks

    real_send = tasks.send_mail
    retried = []

    def send_mail(subject, body, sender, to):
        if to == ["pm@example.com"]:
            raise OSError("mail server went away")
        return real_send(subject, body, sender, to)

    monkeypatch.setattr(tasks, "send_mail", send_mail)
    monkeypatch.setattr(services, "enqueue", lambda task, *args: retried.append((task.name, args)) or True)
    tasks.sla_send_notifications(notes)
    assert [m.to for m in mail.outbox] == [["manager@example.com"]]
    pm_note = Notification.objects.get(recipient=project_manager)
    assert pm_note.sent_at is None  # the claim was given back
    assert retried == [("sla.tasks.sla_send_notification", (pm_note.pk,))]
