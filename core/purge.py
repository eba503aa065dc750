"""One purge: a write names the keys of what it changed, and every cache that may hold a page
showing them hears of it.

`purge(keys)` bumps the versions of the editorial keys in this app's page cache
(core/pages.py), now and again once the write commits, and hands them to every shared HTTP
cache configured in `settings.FRONTEND_CACHES`, after the commit, from a thread of its own
(SENDER) so that a slow cache never holds up an editor's response. The setting follows
Wagtail's WAGTAILFRONTENDCACHE:
a name, a `BACKEND` class and its options. Every backend has one method, `purge_batch(keys)`:

    FRONTEND_CACHES = {"varnish": {"BACKEND": "core.purge.VarnishBackend",
                                   "LOCATION": "http://cache:80/"}}

`FRONTEND_CACHE_URL` in the environment configures exactly that one (compose.yaml). A Fastly or
Cloudflare backend would be another class with the same method: they purge by the same keys,
which pages send as `Surrogate-Key` and `Cache-Tag`.
"""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from core import pages
from core.keys import Key

logger = logging.getLogger(__name__)


class VarnishBackend:
    """A Varnish (or any HTTP cache) that bans by surrogate key on `PURGE`, with the keys in
    `X-Purge-Keys` (deploy/varnish/default.vcl)."""

    def __init__(self, params: dict) -> None:
        self.location = params["LOCATION"]
        self.timeout = params.get("TIMEOUT", 2.0)
        self.secret = params.get("SECRET", "")  # the cache refuses a PURGE without it

    def purge_batch(self, keys: list[str]) -> None:
        headers = {"X-Purge-Keys": " ".join(keys), "X-Purge-Secret": self.secret}
        request = urllib.request.Request(  # noqa: S310 (an operator's setting, not input)
            self.location, method="PURGE", headers=headers
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            response.read()


def frontend_backends() -> list:
    """The shared caches of settings.FRONTEND_CACHES, each with `purge_batch(keys)`."""
    return [
        import_string(params["BACKEND"])(params)
        for params in getattr(settings, "FRONTEND_CACHES", {}).values()
    ]


def send_to_frontends(backends: list, names: list[str]) -> None:
    """Tell every shared cache; a failure is logged, never raised: the write itself succeeded,
    and pages kept meanwhile expire on their own (s-maxage)."""
    for backend in backends:
        try:
            backend.purge_batch(names)
        except Exception:
            logger.exception("could not purge %s from %s", names, type(backend).__name__)


# One thread per process sends the purges to the shared caches, in the order of the commits
# that made them: a slow cache delays the purges after it, never a response, and a bulk import
# queues its purges instead of starting a thread each. Python waits for it at exit, so a
# management command's purges go out before the command ends.
SENDER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="purge")


# While a bulk write runs (`collected`), purges are gathered here instead of made.
GATHERING: ContextVar[set | None] = ContextVar("gathering_purges", default=None)


@contextmanager
def collected() -> Iterator[set]:
    """Purges made inside are gathered, not made: the caller purges them once (a bulk import
    after its commit) or drops them (a dry run). Nested, the inner set joins the outer one."""
    keys: set = set()
    token = GATHERING.set(keys)
    try:
        yield keys
    finally:
        GATHERING.reset(token)


def purge(keys: Iterable[Key]) -> None:
    """Pages showing any of these keys must be rebuilt: now, and again once the current
    transaction commits (a page built between the two read the old rows). Shared caches are
    told after the commit.

    Community keys (`soft`) stay in this app: shared caches keep pages showing them for
    TALLY_WINDOW_SECONDS at most, so they are never sent a purge.
    """
    if (gathering := GATHERING.get()) is not None:
        gathering.update(keys)
        return
    keys = sorted(set(keys))
    if not keys:
        return
    editorial = [key.name for key in keys if not key.soft]
    community = [key.name for key in keys if key.soft]

    def bump() -> None:
        try:
            pages.bump(editorial)
            pages.bump(community, editorial=False)
        except Exception:
            logger.exception("cache unavailable: could not bump %s", keys)

    def after_commit() -> None:
        bump()
        if editorial and getattr(settings, "FRONTEND_CACHES", None):
            SENDER.submit(send_to_frontends, frontend_backends(), editorial)

    if transaction.get_connection().in_atomic_block:
        bump()
    # robust: whatever goes wrong here is logged; the write it follows has committed.
    transaction.on_commit(after_commit, robust=True)
