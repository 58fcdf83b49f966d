import logging
import os

from celery import Celery

logger = logging.getLogger(__name__)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")

app = Celery("servicedesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue(task, *args) -> bool:
    """Queue ``task`` without ever breaking the request that asked for it.

    A broker that is down is logged, not raised: the database still holds the work, and the
    sweeps that own each kind of work (SLA, surveys) queue it again. Every room may use this,
    as it uses settings.
    """
    try:
        task.delay(*args)
    except Exception:  # any broker or transport error
        logger.warning("could not queue %s%r; its sweep will retry", task.name, args, exc_info=True)
        return False
    return True
