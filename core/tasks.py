"""Queueing Celery work from a request without ever breaking the request."""

import logging

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    """Queue ``task`` without ever breaking the request that asked for it.

    A broker that is down is logged, not raised: the database still holds the work, and the
    sweeps that own each kind of work (SLA, surveys) queue it again.
    """
    try:
        task.delay(*args)
    except Exception:  # any broker or transport error
        logger.warning("could not queue %s%r; its sweep will retry", task.name, args, exc_info=True)
        return False
    return True
