"""Parts of the infrastructure switched off for a test: the broker, the cache (both Redis in production)."""

import contextlib

from django.test import override_settings

from servicedesk.celery import app as celery_app

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused


@contextlib.contextmanager
def broker_down():
    """Point the app at a broker that is not there, without eager mode: every .delay() fails."""
    conf = celery_app.conf
    before = (conf.broker_url, conf.task_publish_retry, conf.broker_connection_timeout, conf.task_always_eager)
    conf.broker_url = NOWHERE
    conf.task_always_eager, conf.task_publish_retry, conf.broker_connection_timeout = False, False, 0.5
    celery_app._after_fork()  # drop pooled connections to the old broker
    try:
        yield
    finally:
        conf.broker_url, conf.task_publish_retry, conf.broker_connection_timeout, _ = before
        conf.task_always_eager = True  # the broker is back (tests run tasks inline)
        celery_app._after_fork()


@contextlib.contextmanager
def cache_down():
    """The shared cache is a Redis that does not answer."""
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": NOWHERE,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry": None},
        }
    }
    with override_settings(CACHES=unreachable):
        yield
