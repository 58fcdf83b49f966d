"""The one outbox: written in the caller's transaction, claimed before sending, retried, then failed."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from notices import registry, services, transports
from notices.models import Notice, NoticePreference, NoticeStatus
from notices.registry import NoticeKind, register_notice_kind
from notices.services import notice_deliver_one, notice_send, notices_deliver, notices_requeue
from tests.factories import UserFactory, make_staff


def _render(notice):
    from django.utils.translation import gettext

    return gettext("Service desk"), f"hello {notice.data['n']}"


@pytest.fixture
def kind():
    """A kind of notice of the tests' own, registered as a room would from its AppConfig.ready()."""
    register_notice_kind(NoticeKind(key="tests.hello", label="Hello", render=_render))
    register_notice_kind(NoticeKind(key="tests.must", label="Must", render=_render, optional=False))
    yield "tests.hello"
    registry._KINDS.pop("tests.hello")
    registry._KINDS.pop("tests.must")


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """notice_send as a committed change: delivery is queued (and run inline) after commit."""

    def send(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return notice_send(**kwargs)

    return send


@pytest.fixture
def failing_mail(monkeypatch):
    def send_mail(subject, body, sender, to):
        raise OSError("mail server went away")

    monkeypatch.setattr(transports, "send_mail", send_mail)


def test_a_notice_is_written_in_the_callers_transaction_and_sent_after_commit(
    kind, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        [note] = notice_send(recipients=[manager], kind=kind, data={"n": 1}, ticket_id=7, subject_ref="SR-1")
        assert len(mail.outbox) == 0  # nothing leaves before commit
    note.refresh_from_db()
    assert (note.status, note.attempts, note.ticket_id) == (NoticeStatus.SENT, 1, 7)
    assert note.sent_at is not None
    assert note.read_at is None
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert mail.outbox[0].body == "hello 1"


def test_a_rolled_back_change_sends_nothing(kind, manager, django_capture_on_commit_callbacks):
    def change():
        with transaction.atomic():
            notice_send(recipients=[manager], kind=kind, data={"n": 1})
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            change()
    assert callbacks == []
    assert not Notice.objects.exists()
    assert mail.outbox == []


def test_an_unknown_kind_fails_at_the_writer(manager):
    with pytest.raises(KeyError):
        notice_send(recipients=[manager], kind="tests.nobody-registered-this", data={})


def test_a_failing_send_is_retried_with_backoff_then_failed_and_shown_in_the_outbox(
    kind, send, manager, failing_mail, settings, client
):
    settings.NOTICE_MAX_ATTEMPTS = 3
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        [note] = send(recipients=[manager], kind=kind, data={"n": 1})  # delivered inline: try 1
        note.refresh_from_db()
        assert (note.status, note.attempts) == (NoticeStatus.RETRYING, 1)
        assert note.next_attempt_at == start + dt.timedelta(minutes=1)
        assert "mail server went away" in note.last_error
        assert notices_requeue() == 0  # not due yet
        traveller.shift(dt.timedelta(minutes=1))
        assert notices_requeue() == 1  # try 2
        note.refresh_from_db()
        assert (note.status, note.attempts) == (NoticeStatus.RETRYING, 2)
        assert note.next_attempt_at == timezone.now() + dt.timedelta(minutes=2)  # twice as long
        traveller.shift(dt.timedelta(minutes=2))
        assert notices_requeue() == 1  # try 3, the last
        note.refresh_from_db()
        assert (note.status, note.attempts, note.sent_at) == (NoticeStatus.FAILED, 3, None)
        assert notices_requeue() == 0
    assert mail.outbox == []

    client.force_login(manager)
    text = client.get(reverse("notices:outbox"), {"status": "failed"}).text
    assert "mail server went away" in text
    assert reverse("notices:resend", args=[note.pk]) in text


def test_resend_puts_a_failed_notice_back_and_sends_it(kind, manager, client, django_capture_on_commit_callbacks):
    note = Notice.objects.create(
        recipient=manager, kind=kind, data={"n": 2}, status=NoticeStatus.FAILED, attempts=5, last_error="OSError"
    )
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notices:resend", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.status, note.attempts, note.last_error) == (NoticeStatus.SENT, 1, "")
    assert [m.to for m in mail.outbox] == [[manager.email]]
    # A sent notice is not sent again by a second click.
    client.post(reverse("notices:resend", args=[note.pk]))
    assert len(mail.outbox) == 1


def test_resend_needs_a_post_and_a_supervisor(kind, manager, engineer, client):
    note = Notice.objects.create(recipient=manager, kind=kind, data={"n": 2}, status=NoticeStatus.FAILED)
    client.force_login(manager)
    assert client.get(reverse("notices:resend", args=[note.pk])).status_code == 405
    client.force_login(engineer)
    assert client.post(reverse("notices:resend", args=[note.pk])).status_code == 403
    note.refresh_from_db()
    assert note.status == NoticeStatus.FAILED


def test_a_second_claim_of_the_same_notice_sends_nothing(kind, manager, monkeypatch):
    monkeypatch.setattr(services, "notices_queue", lambda ids: 0)  # no worker: deliver by hand
    [note] = notice_send(recipients=[manager], kind=kind, data={"n": 1})
    assert notice_deliver_one(note.pk) == NoticeStatus.SENT
    assert notice_deliver_one(note.pk) is None  # a duplicate message, or the beat
    assert len(mail.outbox) == 1


def test_a_notice_stuck_in_sending_is_handed_back_by_the_beat(kind, manager, monkeypatch):
    monkeypatch.setattr(services, "notices_queue", lambda ids: len(ids))
    [note] = notice_send(recipients=[manager], kind=kind, data={"n": 1})
    # A worker claimed it and was killed before the transport returned.
    Notice.objects.filter(pk=note.pk).update(
        status=NoticeStatus.SENDING, attempts=1, claimed_at=timezone.now() - dt.timedelta(minutes=6)
    )
    assert notices_requeue() == 1
    note.refresh_from_db()
    assert note.status == NoticeStatus.RETRYING
    assert note.sent_at is None
    assert notice_deliver_one(note.pk) == NoticeStatus.SENT


def test_the_beat_reads_only_due_notices(kind, manager, django_assert_num_queries):
    Notice.objects.create(recipient=manager, kind=kind, status=NoticeStatus.SENT)
    # stuck → failed, stuck → retrying, the due ones (nothing: no message queued)
    with django_assert_num_queries(3):
        assert notices_requeue() == 0


def test_a_dedupe_key_writes_a_notice_once_per_recipient(kind, send, manager, project_manager):
    first = send(recipients=[manager, project_manager], kind=kind, data={"n": 1}, dedupe_key="ev:1")
    again = send(recipients=[manager, project_manager], kind=kind, data={"n": 1}, dedupe_key="ev:1")
    assert len(first) == 2
    assert again == []
    assert sorted(Notice.objects.values_list("dedupe_key", flat=True)) == sorted(
        [f"ev:1:{manager.pk}", f"ev:1:{project_manager.pk}"]
    )
    assert len(mail.outbox) == 2


def test_opting_out_of_an_optional_kind_writes_no_notice(kind, manager, project_manager, client):
    client.force_login(manager)
    page = client.get(reverse("notices:preferences"))
    assert 'value="tests.hello"' in page.text
    client.post(reverse("notices:preferences"), {"kind": []})  # every box unticked
    assert NoticePreference.objects.get(user=manager, kind=kind).enabled is False
    assert not NoticePreference.objects.filter(kind="tests.must").exists()  # not optional: not stored

    notice_send(recipients=[manager, project_manager], kind=kind, data={"n": 1})
    notice_send(recipients=[manager], kind="tests.must", data={"n": 2})
    assert sorted((n.recipient.username, n.kind) for n in Notice.objects.all()) == [
        ("manager", "tests.must"),
        ("pm", "tests.hello"),
    ]
    client.post(reverse("notices:preferences"), {"kind": ["tests.hello"]})
    notice_send(recipients=[manager], kind=kind, data={"n": 3})
    assert Notice.objects.filter(recipient=manager, kind=kind).count() == 1


def test_a_user_without_email_gets_the_notice_in_the_app_only(kind, send, db, client):
    user = make_staff(Role.ENGINEER, email="")
    [note] = send(recipients=[user], kind=kind, data={"n": 1}, subject_ref="SR-9 Disk")
    note.refresh_from_db()
    assert note.status == NoticeStatus.SKIPPED
    assert mail.outbox == []
    client.force_login(user)
    assert "SR-9 Disk" in client.get(reverse("notices:inbox")).text


def test_an_address_only_notice_goes_to_its_address(kind, send, db):
    [note] = send(kind=kind, data={"n": 1}, email="someone@example.org")
    note.refresh_from_db()
    assert note.recipient is None
    assert note.status == NoticeStatus.SENT
    assert [m.to for m in mail.outbox] == [["someone@example.org"]]


def test_notices_render_in_the_recipients_language_and_time_zone(db, monkeypatch):
    monkeypatch.setattr(services, "notices_queue", lambda ids: 0)
    zh = UserFactory(username="zh", language="zh-hans", time_zone="Asia/Shanghai")
    en = UserFactory(username="en", language="en", time_zone="Europe/London")
    deadline = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)
    data = {"reference": "SR-1", "subject": "Disk", "target": "first_response", "deadline": deadline.isoformat()}
    notes = notice_send(recipients=[zh, en], kind="sla.breach", data=data, link="http://x/staff/cases/SR-1/")
    notices_deliver([n.pk for n in notes])
    by_to = {m.to[0]: m for m in mail.outbox}
    assert by_to[en.email].subject == "SLA breached: First response on SR-1"
    assert "passed at 2026-03-02 03:00." in by_to[en.email].body  # London, winter: UTC
    assert by_to[zh.email].subject == "SLA 超时：SR-1 的首次响应"
    assert "2026-03-02 11:00" in by_to[zh.email].body  # Shanghai: UTC+8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_notices_send_each_once(kind, manager, project_manager, monkeypatch):
    monkeypatch.setattr(services, "notices_queue", lambda ids: 0)
    ids = [
        n.pk for _ in range(20) for n in notice_send(recipients=[manager, project_manager], kind=kind, data={"n": 1})
    ]
    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(notices_deliver(ids))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.get("sent", 0) for r in results) == 40
    assert len(mail.outbox) == 40
    assert Notice.objects.filter(status=NoticeStatus.SENT, attempts=1).count() == 40


# --- pages ----------------------------------------------------------------------------------------


def test_a_customer_cannot_see_the_outbox(client, customer):
    client.force_login(customer)
    assert client.get(reverse("notices:outbox")).status_code == 403


def test_an_engineer_cannot_see_the_outbox(client, engineer):
    client.force_login(engineer)
    assert client.get(reverse("notices:outbox")).status_code == 403


def test_a_customer_sees_only_their_own_notices(kind, client, customer, other_customer):
    notice_send(recipients=[customer], kind=kind, data={"n": 1}, subject_ref="mine")
    notice_send(recipients=[other_customer], kind=kind, data={"n": 1}, subject_ref="theirs")
    client.force_login(customer)
    text = client.get(reverse("notices:inbox")).text
    assert "mine" in text
    assert "theirs" not in text
    assert ">1<" in client.get(reverse("notices:nav")).text


def test_the_outbox_keeps_its_filters_in_the_url(kind, client, manager):
    for status in (NoticeStatus.FAILED, NoticeStatus.SENT):
        for i in range(3):
            Notice.objects.create(recipient=manager, kind=kind, status=status, subject_ref=f"{status}-{i}")
    client.force_login(manager)
    response = client.get(reverse("notices:outbox"), {"status": "failed", "kind": kind})
    assert [n.status for n in response.context["notices"]] == ["failed"] * 3
    assert response.context["query"] == f"status=failed&kind={kind}"
    assert 'value="failed" selected' in response.text


def test_outbox_query_count_is_fixed(kind, client, manager, django_assert_num_queries):
    for i in range(10):
        Notice.objects.create(recipient=manager, kind=kind, status=NoticeStatus.FAILED, attempts=5)
        Notice.objects.create(email=f"x{i}@example.org", kind=kind, status=NoticeStatus.SENT)
    client.force_login(manager)
    # 1 session, 2 user, 3 one page of notices with their recipients, 4 groups (roles, for the menu).
    with django_assert_num_queries(4):
        client.get(reverse("notices:outbox"), {"kind": kind})


def test_inbox_query_count_is_fixed(kind, client, customer, django_assert_max_num_queries):
    for i in range(10):
        notice_send(recipients=[customer], kind=kind, data={"n": i})
    client.force_login(customer)
    # 1 session, 2 user, 3 one page of notices, 4 groups (roles, for the menu).
    with django_assert_max_num_queries(4):
        client.get(reverse("notices:inbox"))


def test_each_reader_sees_only_the_kinds_they_receive_in_their_settings(client, manager, customer):
    client.force_login(customer)
    page = client.get(reverse("notices:preferences")).text
    assert 'value="surveys.survey"' in page
    assert 'value="sla.warning"' not in page
    assert 'value="surveys.unsatisfied"' not in page

    client.force_login(manager)
    page = client.get(reverse("notices:preferences")).text
    assert 'value="sla.warning"' in page
    assert 'value="surveys.unsatisfied"' in page
    assert 'value="surveys.survey"' not in page
