"""Where a purge goes: this app's page cache, and a shared HTTP cache when one is configured.

Both sit behind one small interface, `purge(names)`, in the manner of Wagtail's frontend-cache
backends. `FRONTEND_CACHE_URL` (e.g. `http://cache:80/`, the Varnish of compose.yaml) adds the
HTTP backend: it sends `PURGE /` with the keys in `X-Purge-Keys`, and deploy/varnish/default.vcl
bans every cached page whose `Surrogate-Key` names one of them. Another CDN needs another class
with the same method (Fastly and Cloudflare purge by the same keys: `Surrogate-Key`/`Cache-Tag`).
"""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from core import pages
from core.keys import Key

logger = logging.getLogger(__name__)


class AppCacheBackend:
    """This app's page cache (Redis when REDIS_URL is set): pages showing a key are rebuilt.
    It also deletes the cache entries `drop` (see `purge`)."""

    def purge(self, names: list[str], drop: list[str] = ()) -> None:
        pages.mark_changed(names, drop)


class HTTPPurgeBackend:
    """A shared HTTP cache that bans by surrogate key on `PURGE` (deploy/varnish/default.vcl)."""

    def __init__(self, url: str, timeout: float = 2.0) -> None:
        self.url = url
        self.timeout = timeout

    def purge(self, names: list[str]) -> None:
        request = urllib.request.Request(  # noqa: S310 (an operator's setting, not input)
            self.url, method="PURGE", headers={"X-Purge-Keys": " ".join(names)}
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            response.read()


def backends() -> list:
    found: list = [AppCacheBackend()]
    if settings.FRONTEND_CACHE_URL:
        found.append(HTTPPurgeBackend(settings.FRONTEND_CACHE_URL))
    return found


def purge(keys: Iterable[Key], *, drop: Iterable[str] = ()) -> None:
    """Pages showing any of these keys must be rebuilt: now, and again once the current
    transaction commits. `drop` names entries of this app's cache that the same write made
    stale (a voter's cached state): they are deleted at the same moments, in the same round
    trip as the marks.

    The second purge matters: a page built between the first and the commit read the old
    rows, and the commit-time mark (or ban) makes it stale as well.

    Community keys (`soft`) only mark this app's cache: shared caches hold pages showing them
    for `TALLY_WINDOW_SECONDS` at most, so they are never sent a purge.
    """
    keys = sorted(set(keys))
    drop = list(drop)
    if not keys and not drop:
        return

    def send() -> None:
        for backend in backends():
            app_cache = isinstance(backend, AppCacheBackend)
            names = [key.name for key in keys if app_cache or not key.soft]
            try:
                if app_cache:
                    backend.purge(names, drop)
                elif names:
                    backend.purge(names)
            except Exception:
                # The write itself succeeded: never fail an editor's save or a vote over it.
                # Pages kept meanwhile expire on their own (PAGE_TIMEOUT, s-maxage).
                logger.exception(
                    "could not purge %s (or drop %s) from %s", names, drop, type(backend).__name__
                )

    if transaction.get_connection().in_atomic_block:
        send()
    transaction.on_commit(send)
