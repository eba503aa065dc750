"""Django's Redis cache backend, minus a per-operation cost.

Django's RedisCacheClient builds a new redis.Redis object for every cache operation. With
redis-py 5 and later that constructor costs more than the round trip itself (measured with
cProfile: about a quarter of a vote request). The client is thread-safe and bound to a
connection pool, so one per pool is enough.

Its `incr` also takes two round trips (EXISTS, then INCRBY); ours takes one (see below).
"""

from __future__ import annotations

import logging
import threading

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from redis.commands.core import Script

logger = logging.getLogger(__name__)

# Django's `incr`: add `delta` to an existing key, and never create one (a missing key is a
# ValueError). Django checks with EXISTS and then sends INCRBY, two round trips, and
# django-ratelimit increments twice per vote (per address, per visitor). The same check and
# increment as one Lua script run in Redis: one round trip, and nothing can come between
# them. A missing key answers nil (None here); a value that is not an integer fails INCRBY
# with the same error as before.
INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


class PooledClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._threads = threading.local()
        self._incr_existing: Script | None = None

    def get_client(self, key=None, *, write=False):
        """One client per thread and pool, holding its own connection.

        A client that checks a connection out of the pool for every command spends a fifth of
        a cached page's Redis time on the pool's lock, metrics and argument checks. A thread
        runs one command at a time, so one connection each is enough; the client reconnects
        by itself after an error, and pipelines still take theirs from the pool. Clients are
        made on first use in a request thread, so after gunicorn forks (it does not preload
        the app) no two processes share a socket.
        """
        pool = self._get_connection_pool(write)
        clients = self._threads.__dict__.setdefault("clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(
                connection_pool=pool, single_connection_client=True
            )
        return client

    def incr(self, key, delta):
        client = self.get_client(key, write=True)
        if self._incr_existing is None:
            self._incr_existing = Script(client, INCR_EXISTING)  # only hashes the text
        # EVALSHA; on a server that does not know the script yet (a first call, a restart)
        # redis-py's Script loads it and tries again.
        value = self._incr_existing(keys=[key], args=[delta], client=client)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


class PooledRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = PooledClientRedisCacheClient

    def validate_key(self, key: str) -> None:
        """Django checks every character of every key for memcached's sake (2% of a cached
        page); Redis takes any key, and ours never reach memcached."""


def forget(*keys: str) -> None:
    """Delete these entries of the cache (values kept with `kept`): now, and again once the
    current transaction commits, as core.purge does with its marks. A cache outage is logged."""

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
