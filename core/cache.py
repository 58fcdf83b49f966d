"""The cache speeds things up and is never needed: when it is down, callers read the database.

Intake must not depend on Redis (a case is opened while the cache is unreachable), so every read
of the shared cache goes through ``cached`` and every invalidation through ``cache_forget``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# What a cache backend raises when its server is away (Redis down, a refused or cut connection).
CACHE_ERRORS = (RedisError, OSError)


def cached(key: str, compute: Callable[[], T], timeout: int) -> T:
    """The cached value of ``key``, else ``compute()`` (stored for ``timeout`` seconds when the cache works)."""
    try:
        value = cache.get(key)
    except CACHE_ERRORS:
        logger.warning("cache unavailable reading %s; reading the database", key, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout)
        except CACHE_ERRORS:
            logger.warning("cache unavailable storing %s", key, exc_info=True)
    return value


def cache_forget(key: str) -> None:
    """Drop ``key``; with the cache down the stale value expires on its own (the callers' timeouts are short)."""
    try:
        cache.delete(key)
    except CACHE_ERRORS:
        logger.warning("cache unavailable forgetting %s; it expires on its own", key, exc_info=True)
