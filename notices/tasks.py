from celery import shared_task

from .services import notices_deliver, notices_requeue


@shared_task
def notice_deliver(notice_ids: list[int]) -> dict[str, int]:
    """Deliver a batch of notices; each is claimed first, so a duplicate message sends nothing.

    No Celery retry: a failed notice records its error and its next try in the row, and the beat
    (``notices_sweep``) queues it again when it is due.
    """
    return notices_deliver(notice_ids)


@shared_task
def notices_sweep() -> int:
    """Beat, every minute: queue the due and the stuck notices again (reads only due rows, on an index)."""
    return notices_requeue()
