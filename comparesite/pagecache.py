"""Cached public pages with per-visitor parts filled in per request.

A page is rendered once as an anonymous reader sees it and kept in the cache (Redis when
REDIS_URL is set) together with the versions of what it shows: `tool:<slug>` for each tool
(bumped by an editor's save and by every vote on it), `category:<slug>` (bumped when a tool in
it is saved) and `catalog` (any editorial change). A hit is served only while every recorded
version is still current, so invalidation is exact and per tool, never a global flush.

The cached HTML carries a placeholder where the CSRF token goes; the visitor's own votes,
bookmarks and count are swapped in by votes.personalise before the response leaves.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.utils.http import http_date, parse_etags, quote_etag

logger = logging.getLogger(__name__)

CSRF_PLACEHOLDER = "__csrf_token_placeholder__"
CSRF_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
PAGE_TIMEOUT = 60 * 60  # a safety net: entries are normally replaced by a version change
_VERSION_PREFIX = "v:"
# What renders pages: the release digest below reads these files.
RENDERING_SOURCES = ("comparesite", "tools", "verdicts", "votes", "newsletter", "templates")
SUFFIXES = {".py", ".html", ".txt", ".xml"}


def release_digest() -> str:
    """A digest of the code, templates, pinned dependencies and static manifest behind pages.

    Page keys carry it, so a deploy that changes any of them starts from an empty page cache:
    otherwise every page kept serving the old HTML (and the old hashed CSS name, which the new
    image may no longer have) until something it shows was edited or voted on.
    """
    digest = hashlib.blake2s(digest_size=6)
    base = Path(settings.BASE_DIR)
    sources = [base / name for name in RENDERING_SOURCES]
    for path in sorted(p for root in sources for p in root.rglob("*") if p.suffix in SUFFIXES):
        digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    # The pinned dependencies (their templates and tags render pages too) and the static
    # manifest (pages name the hashed files).
    for path in (base / "constraints.txt", Path(settings.STATIC_ROOT) / "staticfiles.json"):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


RELEASE = release_digest()
_PAGE_PREFIX = f"page:{RELEASE}:"
_TAG_PREFIX = f"page-tag:{RELEASE}:"


def bump(*names: str) -> None:
    """Mark these dependencies changed: now, and again when the current transaction commits.

    The second bump matters: a page rendered between the first and the commit saw the old rows
    but recorded the new version; the commit-time version makes that entry stale as well.
    """
    names = tuple(dict.fromkeys(names))
    if not names:
        return

    def write() -> None:
        try:
            cache.set_many(
                {_VERSION_PREFIX + _short(name): uuid.uuid4().hex for name in names},
                timeout=None,
            )
        except Exception:
            # The write itself succeeded; pages cached before the outage may show the old
            # figure until PAGE_TIMEOUT. Never fail the visitor's action over it.
            logger.exception("cache unavailable: could not invalidate %s", names)

    if transaction.get_connection().in_atomic_block:
        write()
    transaction.on_commit(write)


def _short(name: str) -> str:
    """Cache keys stay short whatever a URL holds (memcached refuses keys over 250 bytes)."""
    if len(name) <= 120:
        return name
    return "h:" + hashlib.blake2s(name.encode(), digest_size=16).hexdigest()


def versions(names: Iterable[str]) -> dict[str, str]:
    names = list(names)
    found = cache.get_many([_VERSION_PREFIX + _short(name) for name in names])
    return {name: found.get(_VERSION_PREFIX + _short(name), "") for name in names}


@dataclass
class Entry:
    # The page as UTF-8, as it goes out: personalising works on bytes, so a hit never
    # re-encodes 40 KB of text.
    html: bytes
    deps: dict[str, str]
    widgets: list[dict] = field(default_factory=list)
    rendered_at: float = field(default_factory=time.time)
    tag: str = ""
    last_modified: str = ""

    def __post_init__(self) -> None:
        if not self.tag:
            self.tag = hashlib.blake2s(self.html, digest_size=12).hexdigest()
        if not self.last_modified:
            self.last_modified = http_date(self.rendered_at)


# Recently served entries, kept in this process so that a hit costs one small round trip to the
# shared cache (the page's tag and its dependency versions) instead of fetching the whole page.
_local: dict[str, Entry] = {}
_LOCAL_MAX = 2000


def fetch(key: str) -> Entry | None:
    key = _short(key)
    local = _local.get(key)
    if local is not None:
        names = [_TAG_PREFIX + key, *(_VERSION_PREFIX + _short(dep) for dep in local.deps)]
        found = cache.get_many(names)
        if found.get(_TAG_PREFIX + key) == local.tag and all(
            found.get(_VERSION_PREFIX + _short(dep), "") == version
            for dep, version in local.deps.items()
        ):
            return local
    entry = cache.get(_PAGE_PREFIX + key)
    if entry is None or versions(entry.deps) != entry.deps:
        return None
    _remember(key, entry)
    return entry


def _remember(key: str, entry: Entry) -> None:
    if len(_local) >= _LOCAL_MAX:
        _local.clear()
    _local[key] = entry


def store(key: str, entry: Entry) -> None:
    key = _short(key)
    cache.set_many({_PAGE_PREFIX + key: entry, _TAG_PREFIX + key: entry.tag}, PAGE_TIMEOUT)
    _remember(key, entry)


@dataclass
class Built:
    """What a view's builder returns on a cache miss."""

    template: str
    context: dict
    deps: list[str]
    widgets: list[dict] = field(default_factory=list)
    # False for an answer to input we ignored (an unknown filter value, a page past the end):
    # shown, but not kept, so made-up addresses cannot fill the cache.
    store: bool = True


# Pages being built in this process, by key: requests for the same page wait for that build
# (up to BUILD_WAIT seconds, then build it themselves); requests for other pages never wait.
_building: dict[str, threading.Lock] = {}
_building_guard = threading.Lock()
BUILD_WAIT = 5.0


@contextmanager
def _one_build_at_a_time(key: str) -> Iterator[None]:
    with _building_guard:
        lock = _building.setdefault(key, threading.Lock())
    acquired = lock.acquire(timeout=BUILD_WAIT)
    try:
        yield
    finally:
        if acquired:
            lock.release()
        with _building_guard:
            if not lock.locked() and _building.get(key) is lock:
                del _building[key]  # nobody building it: the map holds only pages in flight


def _lookup(key: str, known_deps: list[str]) -> tuple[Entry | None, dict[str, str] | None]:
    """The cached entry, or None and the versions of `known_deps` read before building.

    `before` is None when the cache cannot be reached: the page is then built and not stored.
    """
    try:
        entry = fetch(key)
        return entry, (versions(known_deps) if entry is None else {})
    except Exception:
        logger.warning("cache unavailable: rendering %s uncached", key, exc_info=True)
        return None, None


def _build(
    request: HttpRequest,
    key: str,
    build: Callable[[], Built | HttpResponse],
    before: dict[str, str] | None,
) -> Entry | HttpResponse:
    built = build()
    if isinstance(built, HttpResponse):
        return built
    context = {
        **built.context,
        "csrf_token": CSRF_PLACEHOLDER,
        "here": request.path,
        "bookmark_count": 0,
    }
    html = render_to_string(built.template, context, request=request)
    entry = Entry(html=html.encode(), deps={}, widgets=built.widgets)
    if before is not None and built.store:
        # `before` was read ahead of the queries, so a change made meanwhile wins.
        try:
            entry.deps = {**versions(built.deps), **before}
            store(key, entry)
        except Exception:
            logger.warning("cache unavailable: not storing %s", key, exc_info=True)
    return entry


def public_page(
    request: HttpRequest,
    key: str,
    known_deps: list[str],
    build: Callable[[], Built | HttpResponse],
    personalise: Callable[[bytes, HttpRequest, Entry], tuple[bytes, str]],
) -> HttpResponse:
    """Serve `key` from the cache or build it; then personalise and answer conditionally."""
    entry, before = _lookup(key, known_deps)
    if entry is None:
        # One build of a page at a time in this process. When a vote makes a busy page stale,
        # the requests arriving during its rebuild wait for that one build and then share it;
        # before, each of them rendered the page too, all on one GIL, and all were slow.
        # (Without the cache nothing is shared, so nothing waits.)
        cached = before is not None
        with _one_build_at_a_time(key) if cached else nullcontext():
            if cached:
                entry, before = _lookup(key, known_deps)
            if entry is None:
                entry = _build(request, key, build, before)
                if isinstance(entry, HttpResponse):
                    return entry

    html, visitor_signature = personalise(entry.html, request, entry)
    # The secret this response's token is bound to (set by get_token during personalise).
    csrf_cookie = request.META.get("CSRF_COOKIE", "")
    etag = quote_etag(
        hashlib.blake2s(
            f"{entry.tag}|{visitor_signature}|{csrf_cookie}".encode(), digest_size=12
        ).hexdigest()
    )
    if csrf_cookie and etag in parse_etags(request.headers.get("If-None-Match", "")):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(html)
    response["ETag"] = etag
    response["Last-Modified"] = entry.last_modified
    # The page embeds a token bound to this visitor's CSRF cookie: browsers may keep and
    # revalidate it, shared caches must not hand it to someone else.
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Cookie, HX-Request"  # a new response: nothing to merge with yet
    return response
