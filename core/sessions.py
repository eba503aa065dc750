"""Sessions read from the shared cache, kept in the database, and unharmed by a cache outage.

Django's cached_db engine reads a session from the cache and falls back to the database; every
write goes to both. A page for a signed-in editor (the only visitors with a session: readers
who vote are known by a signed cookie, votes/identity.py) then costs one cache read instead of
a database query. Stock cached_db still fails a request when the cache is down while it stores a
session it had to read from the database (or checks or deletes one); here every cache call is
forgiving, so an outage costs speed, never a visitor's session (the Redis-down tests in
tests/core/test_redis_cache.py).
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)


class ForgivingCache:
    """The cache calls cached_db makes, with errors logged and treated as a miss."""

    def __init__(self, cache) -> None:
        self._cache = cache

    def get(self, key, default=None):
        try:
            return self._cache.get(key, default)
        except Exception:
            logger.warning("cache unavailable: reading the session from the database")
            return default

    def set(self, key, value, timeout) -> None:
        try:
            self._cache.set(key, value, timeout)
        except Exception:
            logger.warning("cache unavailable: session kept in the database only")

    def delete(self, key) -> None:
        try:
            self._cache.delete(key)
        except Exception:
            logger.warning("cache unavailable: could not drop a cached session")

    def __contains__(self, key) -> bool:
        try:
            return key in self._cache
        except Exception:
            return False


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None) -> None:
        super().__init__(session_key)
        self._cache = ForgivingCache(self._cache)
