"""Two small helpers on the shared cache (django-redis with REDIS_URL, local memory without):
a value kept until a write drops it, and the drop, now and again once the write commits; and
the backend of each process's own tier of the page cache (`ObjectCache`)."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
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


class ObjectCache(LocMemCache):
    """Django's local-memory cache, keeping the objects themselves: no pickling on the way in or
    out and no memcached key checks. For each process's own tier of the page cache
    (settings.CACHES["pages"]), whose keys are the page layer's own and whose values (stored
    pages, views' `Page`s, versions, rendered parts) are never changed once stored. Reading a
    stored page or a rendered part then costs a dictionary lookup, not a copy."""

    def validate_key(self, key) -> None:
        pass

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            self._cache.move_to_end(key, last=False)
            return self._cache[key]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        key = self.make_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)
