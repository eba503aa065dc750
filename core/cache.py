"""Two small helpers on the shared cache (django-redis with REDIS_URL, local memory without):
a value kept until a write drops it, and the drop, now and again once the write commits."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


def forget(*keys: str) -> None:
    """Delete these entries of the cache (values kept with `kept`): now, and again once the
    current transaction commits, as core.purge does with versions. A cache outage is logged."""

    def delete() -> None:
        try:
            cache.delete_many(keys)
        except Exception:
            logger.warning("cache unavailable: could not forget %s", keys, exc_info=True)

    if transaction.get_connection().in_atomic_block:
        delete()
    transaction.on_commit(delete)


def kept(key: str, compute, timeout: float | None = None):
    """`compute()`'s value, kept in the cache under `key` (a write drops it: `forget`). With
    the cache down, it is computed every time rather than failing the page."""
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("cache unavailable: computing %s", key, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout=timeout)
        except Exception:
            logger.warning("cache unavailable: not keeping %s", key, exc_info=True)
    return value
