"""Writing notices in the caller's transaction, delivering them once, and the beat's catch-up.

A notice is claimed with a conditional UPDATE before it is rendered and sent, so two workers
given the same id send it once; it is marked sent only after the transport returned, so a worker
killed mid-send leaves it in ``sending``, and the beat hands it back after ``STUCK_AFTER`` (at
worst sent twice, never marked sent without being sent).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from core.tasks import enqueue

from .models import CLAIMABLE, Notice, NoticePreference, NoticeStatus
from .registry import NoticeNotNeeded, notice_kind
from .transports import transports

logger = logging.getLogger(__name__)

# Ids per queued message: a sweep that records 10,000 breaches for six managers queues
# 600 messages, not 60,000 (one broker round trip each; see bench/README.md, SLA).
DELIVER_BATCH = 100
# A claim older than this belongs to a worker that died mid-send: the beat hands the notice back.
STUCK_AFTER = dt.timedelta(minutes=5)
# A pending notice was queued when it was written; the beat queues it again only after this.
QUEUED_GRACE = dt.timedelta(minutes=2)
RETRY_BASE = dt.timedelta(minutes=1)
RETRY_MAX = dt.timedelta(hours=1)


def max_attempts() -> int:
    return getattr(settings, "NOTICE_MAX_ATTEMPTS", 5)


# --- writing -----------------------------------------------------------------------------------


@dataclass
class NoticeDraft:
    """One event to tell people about; ``notice_send_many`` writes one row per recipient."""

    kind: str
    recipients: Iterable = ()
    data: dict = field(default_factory=dict)
    link: str = ""
    ticket_id: int | None = None
    subject_ref: str = ""
    dedupe_key: str | None = None  # names the event; the recipient is appended per row
    email: str | None = None  # an address-only notice (nobody with an account)


def notice_send(
    *,
    recipients: Iterable = (),
    kind: str,
    data: dict,
    link: str = "",
    ticket_id: int | None = None,
    subject_ref: str = "",
    dedupe_key: str | None = None,
    email: str | None = None,
) -> list[Notice]:
    """Write one notice per recipient (plus one to ``email``) in the caller's transaction; delivery
    is queued after commit, so a rolled-back change sends nothing.

    Recipients who turned an optional kind off get no row. With ``dedupe_key``, a notice already
    written for the same key and recipient is not written again (and not returned).
    """
    draft = NoticeDraft(kind, recipients, data, link, ticket_id, subject_ref, dedupe_key, email)
    return notice_send_many([draft])


def _muted(drafts: list[NoticeDraft]) -> set[tuple[int, str]]:
    optional = {d.kind for d in drafts if notice_kind(d.kind).optional}
    users = {u.pk for d in drafts if d.kind in optional for u in d.recipients}
    if not users:
        return set()
    off = NoticePreference.objects.filter(user_id__in=users, kind__in=optional, enabled=False)
    return set(off.values_list("user_id", "kind"))


def notice_send_many(drafts: list[NoticeDraft]) -> list[Notice]:
    """``notice_send`` for many events at once (the SLA sweep): one insert, batched delivery messages."""
    for draft in drafts:
        draft.recipients = [u for u in draft.recipients if u is not None]
        notice_kind(draft.kind)  # fail at the writer, not in a worker, for a kind nobody registered
    muted = _muted(drafts)
    now = timezone.now()
    rows: list[Notice] = []
    for d in drafts:
        common = {
            "kind": d.kind,
            "data": d.data,
            "link": d.link,
            "ticket_id": d.ticket_id,
            "subject_ref": d.subject_ref[:200],
            "next_attempt_at": now,
            "created_at": now,
        }
        for user in d.recipients:
            if (user.pk, d.kind) in muted:
                continue
            key = f"{d.dedupe_key}:{user.pk}" if d.dedupe_key else ""
            rows.append(Notice(recipient=user, dedupe_key=key, **common))
        if d.email:
            key = f"{d.dedupe_key}:{d.email}" if d.dedupe_key else ""
            rows.append(Notice(email=d.email, dedupe_key=key, **common))
    if not rows:
        return []
    keyed = [n for n in rows if n.dedupe_key]
    plain = [n for n in rows if not n.dedupe_key]
    if keyed:
        # Written before (a sweep that ran twice, a repair sweep): leave those alone.
        seen = set(
            Notice.objects.filter(dedupe_key__in=[n.dedupe_key for n in keyed]).values_list("dedupe_key", flat=True)
        )
        keyed = [n for n in keyed if n.dedupe_key not in seen]
    if keyed:
        # ignore_conflicts: the unique key is the last line of defence against a concurrent writer;
        # it also leaves the ids unset, so read back what this call wrote.
        Notice.objects.bulk_create(keyed, ignore_conflicts=True, batch_size=1000)
        keyed = list(Notice.objects.filter(dedupe_key__in=[n.dedupe_key for n in keyed], created_at=now))
    if plain:
        Notice.objects.bulk_create(plain, batch_size=1000)
    rows = plain + keyed
    if not rows:
        return []
    ids = [n.pk for n in rows]
    transaction.on_commit(lambda: notices_queue(ids))
    return rows


def notices_queue(ids: list[int]) -> int:
    """Queue delivery of ``ids``, ``DELIVER_BATCH`` per message; a broker that is down is logged (the beat retries)."""
    from .tasks import notice_deliver

    queued = 0
    for i in range(0, len(ids), DELIVER_BATCH):
        chunk = ids[i : i + DELIVER_BATCH]
        if enqueue(notice_deliver, chunk):
            queued += len(chunk)
    return queued


# --- delivering ----------------------------------------------------------------------------------


def _claim(notice_id: int, now: dt.datetime) -> bool:
    claimed = Notice.objects.filter(pk=notice_id, status__in=CLAIMABLE, next_attempt_at__lte=now).update(
        status=NoticeStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return claimed == 1


def notice_render(notice: Notice) -> tuple[str, str]:
    """Subject and body in the recipient's language and time zone (the site's for an address-only notice)."""
    recipient = notice.recipient if notice.recipient_id else None
    language = getattr(recipient, "language", "") or settings.LANGUAGE_CODE
    zone = getattr(recipient, "time_zone", "") or settings.TIME_ZONE
    with translation.override(language), timezone.override(zone):
        return notice_kind(notice.kind).render(notice)


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after the n-th failed try, at most an hour."""
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_MAX)


def notice_deliver_one(notice_id: int) -> str | None:
    """Claim, render, send and record one notice. Returns its new status, None if it was not ours to send."""
    now = timezone.now()
    if not _claim(notice_id, now):
        return None  # sent already, being sent by another worker, or not due yet
    notice = Notice.objects.select_related("recipient").get(pk=notice_id)
    try:
        subject, body = notice_render(notice)
        delivered = [transport.send(notice, subject, body) for transport in transports()]
    except NoticeNotNeeded as e:
        Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.SKIPPED, last_error=str(e)[:2000])
        return NoticeStatus.SKIPPED
    except Exception as e:  # the transport's or the renderer's: record it and try again later
        logger.warning("notice %s (%s) failed on try %s", notice.pk, notice.kind, notice.attempts, exc_info=True)
        error = f"{type(e).__name__}: {e}"[:2000]
        if notice.attempts >= max_attempts():
            status, fields = NoticeStatus.FAILED, {}
        else:
            status, fields = NoticeStatus.RETRYING, {"next_attempt_at": timezone.now() + backoff(notice.attempts)}
        Notice.objects.filter(pk=notice.pk, status=NoticeStatus.SENDING).update(
            status=status, last_error=error, **fields
        )
        return status
    status = NoticeStatus.SENT if any(delivered) else NoticeStatus.SKIPPED
    # Only after the transport returned: a notice is never marked sent without having been sent.
    Notice.objects.filter(pk=notice.pk).update(status=status, sent_at=timezone.now(), last_error="")
    hook = notice_kind(notice.kind).on_delivered
    if hook is not None:
        try:
            hook(notice)
        except Exception:  # the notice is out; the owning room's bookkeeping must not make it look unsent
            logger.exception("on_delivered of notice %s (%s) failed", notice.pk, notice.kind)
    return status


def notices_deliver(ids: list[int]) -> dict[str, int]:
    result: dict[str, int] = {}
    for pk in ids:
        status = notice_deliver_one(pk)
        if status:
            result[status] = result.get(status, 0) + 1
    return result


# --- the beat ------------------------------------------------------------------------------------


def notices_requeue(now: dt.datetime | None = None, *, limit: int = 1000) -> int:
    """Hand back notices whose worker died mid-send, and queue every due one again. Returns how many were queued."""
    now = now or timezone.now()
    stuck = Notice.objects.filter(status=NoticeStatus.SENDING, claimed_at__lt=now - STUCK_AFTER)
    stuck.filter(attempts__gte=max_attempts()).update(
        status=NoticeStatus.FAILED, last_error="the worker stopped while sending (no more tries left)"
    )
    stuck.update(status=NoticeStatus.RETRYING, next_attempt_at=now, last_error="the worker stopped while sending")
    # Both halves read the partial index on next_attempt_at (pending and retrying rows only).
    due = Notice.objects.filter(
        Q(status=NoticeStatus.RETRYING, next_attempt_at__lte=now)
        | Q(status=NoticeStatus.PENDING, next_attempt_at__lte=now - QUEUED_GRACE)
    )
    ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    return notices_queue(ids) if ids else 0


# --- what the pages call ---------------------------------------------------------------------------


def notice_resend(*, notice_id: int) -> bool:
    """Put a failed notice back in the queue (the outbox's Resend button); False if it was not failed."""
    now = timezone.now()
    changed = Notice.objects.filter(pk=notice_id, status=NoticeStatus.FAILED).update(
        status=NoticeStatus.PENDING, attempts=0, next_attempt_at=now, last_error=""
    )
    if changed:
        transaction.on_commit(lambda: notices_queue([notice_id]))
    return bool(changed)


def notices_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's notices ``ids`` (or every unread one) as read."""
    notes = Notice.objects.filter(recipient=user, read_at=None)
    if ids is not None:
        notes = notes.filter(pk__in=ids)
    return notes.update(read_at=timezone.now())


@transaction.atomic
def notice_preferences_set(*, user, enabled: dict[str, bool]) -> None:
    """Store the user's choice for each optional kind."""
    for kind, on in enabled.items():
        if not notice_kind(kind).optional:
            continue
        NoticePreference.objects.update_or_create(user=user, kind=kind, defaults={"enabled": on})
