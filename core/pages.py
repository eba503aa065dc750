"""Public pages: one cached HTML for every anonymous reader, kept until what it shows changes.

How a request for a public page goes, top to bottom:

1. `PageCacheMiddleware` (early in settings.MIDDLEWARE): a GET or HEAD from a reader with
   nothing of their own on the page (not `is_personal`), for an address this process served
   recently and that is still fresh (below), is answered from memory: no session, no user,
   no view, no query.
2. Otherwise the view runs. It is decorated with `@public_page` and returns a `Page`: the
   template, its context and the keys of everything it shows (core/keys.py). The decorator
   renders it, compresses it (gzip and brotli: the HTML holds no secret any more), keeps it in
   this process and in the shared Django cache (Redis with REDIS_URL), and answers.
3. An anonymous reader gets the same bytes as everyone else: no cookie, no token,
   `Cache-Control: public, s-maxage=...`, an ETag, and `Surrogate-Key` naming what it shows,
   so any HTTP cache may keep it and purge it by key.
4. A personal visitor (someone who voted or bookmarked: the visitor cookie; or signed in: a
   session) gets the same page with its named slots (`{% slot %}`,
   core/templatetags/pages.py) rendered for them: their pressed buttons and counts. That
   answer is private; shared caches pass such visitors. Right after a vote
   (`insist_on_fresh_pages`) their pages are checked against every mark, so the voter sees
   the new figure at once.

Freshness: each key has a mark in the cache, the time of its last change, set by
core/purge.py when a write commits. Scheduled publishing adds go-live times (`set_go_live`):
a page built before one of them is stale once it has passed, and shared caches are told to
keep a page no later than the next one. A page is fresh while every key it shows last changed
before the page's build began. Community keys (`soft`) are checked only once the page is
older than TALLY_WINDOW_SECONDS (for a visitor who just voted, always). Each process re-reads
the marks of a page it keeps at most every PAGE_CACHE_RECHECK_SECONDS. A stale page is rebuilt
by one thread per process while the others wait for it; when only its community figures
changed, the others get the copy being replaced instead (`_rebuilding_from`).

Size: the shared cache keeps one entry per address worth keeping, so the addresses must be
bounded. Most are, by the catalogue (a tool, a category page, a comparison of two tools). Pages
from a combinatorial space (comparisons of three or four tools: 24,129 addresses with 28
tools) say `Page(popular_only=True)`: such a page is kept only from its second request within
PAGE_TIMEOUT (the first leaves a small note that it was asked for), and only in one of
PAGE_CACHE_POPULAR_SLOTS slots chosen by its address, where it replaces whatever page was
there. So a crawl or scan of thousands of addresses asked for once keeps none of them and
pushes no popular page out, and at most PAGE_CACHE_POPULAR_SLOTS such pages (and as many
notes) exist at once, whatever is asked. Each process keeps at most LOCAL_MAX pages in memory.
Redis itself runs with maxmemory and allkeys-lru (compose.yaml) as the last bound.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from pathlib import Path
from urllib.parse import urlencode

import brotli
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils.http import parse_etags, quote_etag
from django.utils.safestring import SafeString, mark_safe

from core.keys import Key
from core.storage import manifest_root

logger = logging.getLogger(__name__)

# What renders pages: a deploy that changes any of it starts from an empty shared page cache.
RENDERING_SOURCES = (
    "core",
    "tools",
    "verdicts",
    "votes",
    "newsletter",
    "trust",
    "modelspecs",
    "templates",
)
SUFFIXES = {".py", ".html", ".txt", ".xml"}


def release_digest() -> str:
    """A digest of the code, templates, pinned dependencies and static manifest behind pages."""
    digest = hashlib.blake2s(digest_size=6)
    base = Path(settings.BASE_DIR)
    sources = [base / name for name in RENDERING_SOURCES]
    for path in sorted(p for root in sources for p in root.rglob("*") if p.suffix in SUFFIXES):
        digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    for path in (base / "constraints.txt", manifest_root() / "staticfiles.json"):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


RELEASE = release_digest()
PAGE_PREFIX = f"page:{RELEASE}:"
MARK_PREFIX = "mark:"
GO_LIVE = "go-live"  # the publish times of scheduled items (set_go_live)
ASKED_PREFIX = f"asked:{RELEASE}:"  # a popular-only page was asked for once (its key)
PAGE_TIMEOUT = 60 * 60  # a safety net: pages are normally rebuilt because a key changed
LOCAL_MAX = 500  # pages each process keeps in memory
ALL_PARAMS = "*"


@dataclass
class Page:
    """What a public view returns: the template, its context and the keys of what it shows."""

    template: str
    context: dict
    keys: Iterable[Key]
    # False for an answer to input the view ignored (an unknown filter value, a page past
    # the end): shown, but not kept, so made-up addresses cannot fill the cache.
    store: bool = True
    # True for one of very many possible addresses (a comparison of three or four tools):
    # kept only once asked for twice, in a bounded table (see the module's docstring).
    popular_only: bool = False


@dataclass
class Slot:
    """A named part of a cached page that differs per visitor (see core/templatetags/pages.py)."""

    template: str
    data: dict
    anonymous: bytes  # as a reader with nothing of their own sees it

    def render_for(self, request: HttpRequest) -> bytes:
        template = _compiled(self.template)
        return template.render(Context({**self.data, **_visitor_context(request)})).encode()


def _visitor_context(request: HttpRequest) -> dict:
    """What a slot is rendered with besides its data: the request, and whether it may come
    from a signed-in editor (it has a session; cheaper than asking `request.user`)."""
    return {"request": request, "signed_in": settings.SESSION_COOKIE_NAME in request.COOKIES}


def _compiled(name: str):
    """The compiled template of a slot, looked up once per process (on each use with DEBUG,
    so that an edit shows on the next reload)."""
    if settings.DEBUG:
        return get_template(name).template
    return _compiled_once(name)


@lru_cache(maxsize=256)
def _compiled_once(name: str):
    return get_template(name).template


@dataclass
class Entry:
    parts: list  # bytes and Slots, in page order
    keys: tuple[str, ...]
    soft_keys: tuple[str, ...]
    built_at: float  # when the build began: changes marked after it make the page stale
    body: bytes = b""
    encoded: dict[str, bytes] = field(default_factory=dict)
    etag: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    checked_at: float = 0.0  # when this process last read its keys' marks
    expires_at: float | None = None  # the next go-live time after the build began, if any
    address: str = ""  # the page key it was built for (a popular-only slot holds any one)

    def __post_init__(self) -> None:
        self.body = b"".join(
            part if isinstance(part, bytes) else part.anonymous for part in self.parts
        )
        if not self.etag:
            self.etag = quote_etag(hashlib.blake2s(self.body, digest_size=12).hexdigest())
        if not self.encoded and len(self.body) > 512:
            self.encoded = {
                "br": brotli.compress(self.body, quality=5),
                "gzip": gzip.compress(self.body, compresslevel=6, mtime=0),
            }
        if not self.headers:
            self.headers = anonymous_headers(self)


def shared_cache_control(entry: Entry) -> str:
    # Pages showing community figures are kept by shared caches only as long as this app
    # would keep them (the tally window); editorial changes purge the others by key. No
    # shared cache keeps a page past the next scheduled go-live (nothing purges then).
    s_maxage = settings.TALLY_WINDOW_SECONDS if entry.soft_keys else settings.PAGE_S_MAXAGE
    if entry.expires_at is not None:
        s_maxage = max(0, min(s_maxage, int(entry.expires_at - time.time())))
    swr = min(settings.PAGE_STALE_WHILE_REVALIDATE, s_maxage)
    return (
        f"public, max-age=0, s-maxage={s_maxage}, stale-while-revalidate={swr}, "
        f"stale-if-error={settings.PAGE_STALE_IF_ERROR}"
    )


def anonymous_headers(entry: Entry) -> dict[str, str]:
    return {
        "Cache-Control": shared_cache_control(entry),
        "ETag": entry.etag,
        "Surrogate-Key": " ".join(entry.keys),
        "Cache-Tag": ",".join(entry.keys),
        "Vary": "Accept-Encoding, HX-Request",
    }


# --- Marks: when each key last changed -------------------------------------------------------


def mark_changed(names: Iterable[str]) -> None:
    """Record that these keys changed now (core/purge.py calls it once a write commits)."""
    now = time.time()
    cache.set_many({MARK_PREFIX + name: now for name in names}, timeout=None)


def set_go_live(times: Iterable[float]) -> None:
    """The publish times of scheduled items (tools/signals.py keeps them after each write).

    Times up to PAGE_TIMEOUT in the past stay listed: a page built before one of them may
    still be kept, and must be found stale.
    """
    cache.set(GO_LIVE, sorted(set(times)), timeout=None)


def _passed_go_live(built_at: float, times: list[float] | None) -> bool:
    now = time.time()
    return any(built_at < moment <= now for moment in times or ())


def _next_go_live(after: float) -> float | None:
    return min((moment for moment in cache.get(GO_LIVE) or () if moment > after), default=None)


def last_change(name: str) -> float | None:
    """When the key `name` was last marked changed (None: never, or evicted)."""
    return cache.get(MARK_PREFIX + name)


FRESH, FIGURES_CHANGED, CHANGED = "fresh", "figures changed", "changed"


def staleness(entry: Entry, *, strict: bool) -> str:
    """FRESH; FIGURES_CHANGED when only community figures (soft keys) changed since the page
    was built; CHANGED when anything else did (content, a go-live time)."""
    soft = strict or time.time() - entry.built_at >= settings.TALLY_WINDOW_SECONDS
    names = [*entry.keys, *(entry.soft_keys if soft else ())]
    marks = cache.get_many([GO_LIVE, *(MARK_PREFIX + name for name in names)])
    if _passed_go_live(entry.built_at, marks.get(GO_LIVE)):
        return CHANGED

    def changed(name: str) -> bool:
        # A mark that is missing was evicted (or never written): count it as a change.
        return marks.get(MARK_PREFIX + name, float("inf")) >= entry.built_at

    if any(changed(name) for name in entry.keys):
        return CHANGED
    if soft and any(changed(name) for name in entry.soft_keys):
        return FIGURES_CHANGED
    return FRESH


def is_fresh(entry: Entry, *, strict: bool) -> bool:
    return staleness(entry, strict=strict) == FRESH


def _ensure_marks(names: Iterable[str]) -> None:
    """Keys never changed yet get an old mark, so that a missing one means 'evicted'."""
    names = list(names)
    found = cache.get_many([MARK_PREFIX + name for name in names])
    for name in names:
        if MARK_PREFIX + name not in found:
            cache.add(MARK_PREFIX + name, 0.0, timeout=None)


# --- Where pages are kept ----------------------------------------------------------------------

_local: OrderedDict[str, Entry] = OrderedDict()
_local_guard = threading.Lock()
# The addresses (path, query string, htmx) this process has answered, mapped to their page's
# key, so the middleware finds a page without resolving the URL or running the view.
_addresses: dict[tuple[str, str, bool], str] = {}


def _put_bounded(table: OrderedDict, key: str, entry: Entry, most: int) -> None:
    """Keep `entry` under `key` as the newest of `table`, dropping the oldest beyond `most`.
    Call with _local_guard held."""
    table[key] = entry
    table.move_to_end(key)
    while len(table) > most:
        table.popitem(last=False)


def _keep_local(key: str, entry: Entry) -> None:
    with _local_guard:
        _put_bounded(_local, key, entry, LOCAL_MAX)
        if len(_addresses) > LOCAL_MAX * 8:
            _addresses.clear()


def _drop_local(key: str) -> None:
    with _local_guard:
        _local.pop(key, None)


# Pages whose community figures changed, kept while this process rebuilds them: readers
# arriving during the rebuild get this copy (figures a few seconds old, as a shared cache's
# stale-while-revalidate would show) instead of queueing behind the build. Never for a reader
# who just voted (`strict`), never when anything but figures changed.
_rebuilding_from: OrderedDict[str, Entry] = OrderedDict()
REBUILDING_MAX = 100


def _keep_while_rebuilt(key: str, entry: Entry) -> None:
    with _local_guard:
        _put_bounded(_rebuilding_from, key, entry, REBUILDING_MAX)


def _forget_previous(key: str) -> None:
    with _local_guard:
        _rebuilding_from.pop(key, None)


def popular_slot(key: str) -> str:
    """Where a popular-only page may be kept: one of PAGE_CACHE_POPULAR_SLOTS, by its key."""
    number = int.from_bytes(hashlib.blake2s(key.encode(), digest_size=8).digest(), "big")
    return f"popular:{number % settings.PAGE_CACHE_POPULAR_SLOTS}"


def fetch(key: str, *, strict: bool) -> Entry | None:
    """The fresh page kept under `key`, or None. Raises when the cache cannot be reached."""
    entry = _local.get(key)
    now = time.monotonic()
    if (
        entry is not None
        and not strict
        and now - entry.checked_at < settings.PAGE_CACHE_RECHECK_SECONDS
    ):
        return entry
    if entry is None:
        # Under its own key, or (popular-only pages) in its slot, if no other page took it.
        slot = PAGE_PREFIX + popular_slot(key)
        found = cache.get_many([PAGE_PREFIX + key, slot])
        entry = found.get(PAGE_PREFIX + key)
        if entry is None and getattr(found.get(slot), "address", None) == key:
            entry = found[slot]
        if entry is None:
            return None
    state = staleness(entry, strict=strict)
    if state != FRESH:
        _drop_local(key)
        if state == FIGURES_CHANGED:
            _keep_while_rebuilt(key, entry)
        else:
            _forget_previous(key)
        return None
    entry.checked_at = now
    _keep_local(key, entry)
    return entry


def store(key: str, entry: Entry, *, popular_only: bool = False) -> None:
    if popular_only:
        slot = popular_slot(key)
        # Kept when asked for before (the slot's note names it) or kept already (a rebuild);
        # else it only leaves the note.
        found = cache.get_many([ASKED_PREFIX + slot, PAGE_PREFIX + slot])
        kept = getattr(found.get(PAGE_PREFIX + slot), "address", None)
        if key not in (found.get(ASKED_PREFIX + slot), kept):
            cache.set(ASKED_PREFIX + slot, key, PAGE_TIMEOUT)
            return
        entry.address = key
    _ensure_marks([*entry.keys, *entry.soft_keys])
    entry.checked_at = time.monotonic()
    cache.set(PAGE_PREFIX + (slot if popular_only else key), entry, PAGE_TIMEOUT)
    _keep_local(key, entry)


def kept_pages() -> int:
    """How many pages the shared cache holds for this release (for tests and operators)."""
    if hasattr(cache, "iter_keys"):  # django-redis
        return sum(1 for _ in cache.iter_keys(PAGE_PREFIX + "*"))
    prefix = cache.make_key(PAGE_PREFIX)  # the local-memory cache of development
    return sum(1 for name in cache._cache if name.startswith(prefix))


# --- Building a page ---------------------------------------------------------------------------

SLOTS = "page_slots"  # the context variable slots are collected in while a page is built
_SLOT_MARK = re.compile(r"\x00slot:(\d+)\x00")


def slot(context, template: str, data: dict) -> SafeString:
    """Render `template` as a per-visitor part of the page (the `{% slot %}` tag).

    While a cached page is built, the part is rendered as an anonymous reader sees it and
    remembered; `Entry.parts` holds it by name, to be rendered for each personal visitor. On
    a page that is not cached, it is rendered for this visitor straight away.
    """
    data = {**data, "here": context.get("here", "")}
    request = context.get("request")
    slots = context.get(SLOTS)
    template_object = get_template(template).template  # fails loudly if the name is wrong
    if slots is None:
        visitor = _visitor_context(request) if request is not None else {}
        return mark_safe(template_object.render(Context({**data, **visitor})))  # noqa: S308
    anonymous = template_object.render(
        Context({**data, "request": request, "anonymous": True, "signed_in": False})
    )
    slots.append(Slot(template, data, anonymous.encode()))
    return mark_safe(f"\x00slot:{len(slots) - 1}\x00")  # noqa: S308 (our own marker)


def build(request: HttpRequest, page: Page, started: float, here: str) -> Entry:
    """Render the page once, as an anonymous reader sees it; `here` is its own address."""
    slots: list[Slot] = []
    context = {**page.context, SLOTS: slots, "here": here}
    html = render_to_string(page.template, context, request=request)
    pieces = _SLOT_MARK.split(html)
    parts = [
        piece.encode() if index % 2 == 0 else slots[int(piece)]
        for index, piece in enumerate(pieces)
    ]
    keys = set(page.keys)
    try:
        expires_at = _next_go_live(started)
    except Exception:
        expires_at = None  # the cache is down: the page is not kept either
    return Entry(
        parts=parts,
        keys=tuple(sorted(key.name for key in keys if not key.soft)),
        soft_keys=tuple(sorted(key.name for key in keys if key.soft)),
        # Marks are times from several hosts: a change marked this close before the build
        # began counts as after it (settings.PAGE_CACHE_CLOCK_MARGIN).
        built_at=started - settings.PAGE_CACHE_CLOCK_MARGIN,
        expires_at=expires_at,
    )


# One build of a page at a time per process: when a change makes a busy page stale, the
# requests arriving during its rebuild wait for that build and share it.
_building: dict[str, threading.Lock] = {}
_building_guard = threading.Lock()
BUILD_WAIT = 5.0


@contextmanager
def one_build_at_a_time(key: str, *, wait: bool = True) -> Iterator[bool]:
    """Yields True once this thread may build the page; with `wait=False`, False at once
    while another thread is building it (after BUILD_WAIT the build goes ahead anyway)."""
    with _building_guard:
        lock = _building.setdefault(key, threading.Lock())
    acquired = lock.acquire(timeout=BUILD_WAIT) if wait else lock.acquire(blocking=False)
    try:
        yield acquired or wait
    finally:
        if acquired:
            lock.release()
        with _building_guard:
            if not lock.locked() and _building.get(key) is lock:
                del _building[key]


# --- Answering ---------------------------------------------------------------------------------


def _encoding(request: HttpRequest) -> str:
    accepted = request.META.get("HTTP_ACCEPT_ENCODING", "")
    if "br" in accepted:
        return "br"
    if "gzip" in accepted:
        return "gzip"
    return ""


def anonymous_response(request: HttpRequest, entry: Entry) -> HttpResponse:
    """The same bytes for everyone, cacheable by any HTTP cache."""
    if entry.etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
        response: HttpResponse = HttpResponseNotModified()
    else:
        encoding = _encoding(request)
        body = entry.encoded.get(encoding, entry.body)
        response = HttpResponse(body)
        response["Content-Length"] = str(len(body))
        if encoding in entry.encoded:
            response["Content-Encoding"] = encoding
    for name, value in entry.headers.items():
        response[name] = value
    if entry.expires_at is not None:
        response["Cache-Control"] = shared_cache_control(entry)
    return response


def personal_response(request: HttpRequest, entry: Entry) -> HttpResponse:
    """The page with its slots rendered for this visitor: private, never shared."""
    parts = [part if isinstance(part, bytes) else part.render_for(request) for part in entry.parts]
    # The page's own ETag and what its slots hold for this visitor identify the answer: no
    # need to hash the whole page again.
    digest = hashlib.blake2s(entry.etag.encode(), digest_size=12)
    for part, rendered in zip(entry.parts, parts, strict=True):
        if not isinstance(part, bytes):
            digest.update(b"\0" + rendered)
    etag = quote_etag(digest.hexdigest())
    if etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(b"".join(parts))
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Cookie, Accept-Encoding, HX-Request"
    return response


def is_personal(request: HttpRequest) -> bool:
    """Whether the page shows this visitor something of their own: they voted or bookmarked
    (the visitor cookie) or signed in (a session). Shared caches pass such requests too."""
    cookies = request.COOKIES
    return settings.VISITOR_COOKIE_NAME in cookies or settings.SESSION_COOKIE_NAME in cookies


# A visitor who has just changed something the pages show (a vote) gets pages checked against
# every mark, community ones included, for a few seconds; others within TALLY_WINDOW_SECONDS.
FRESH_COOKIE = "fresh"
FRESH_SECONDS = 10


def insist_on_fresh_pages(response: HttpResponse) -> None:
    """For the next few seconds, this visitor's pages reflect everything that has changed."""
    response.set_cookie(
        FRESH_COOKIE,
        "1",
        max_age=FRESH_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE or None,
        httponly=True,
        samesite="Lax",
    )


def wants_fresh(request: HttpRequest) -> bool:
    return FRESH_COOKIE in request.COOKIES


def _is_htmx(request: HttpRequest) -> bool:
    return request.META.get("HTTP_HX_REQUEST") == "true"


def page_address(request: HttpRequest, params: tuple[str, ...] | str) -> str:
    """The page's own address: its path and the query parameters the view reads."""
    if params == ALL_PARAMS:
        kept = sorted((name, value) for name, values in request.GET.lists() for value in values)
    else:
        kept = [(name, request.GET[name]) for name in params if name in request.GET]
    query = urlencode(kept)
    return f"{request.path}?{query}" if query else request.path


def public_page(params: tuple[str, ...] | str = ()):
    """Serve the decorated view's `Page` from the cache, building it when it is missing or stale.

    `params` names the query parameters the view reads (`"*"` for all of them): the others
    (`?utm_source=...`) share one cached page. A view may also return any HttpResponse (a
    redirect, a 404), which goes out as it is.
    """

    def decorate(view):
        @wraps(view)
        def serve(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            address = page_address(request, params)
            key = f"{address}|{'htmx' if _is_htmx(request) else 'page'}"
            personal = is_personal(request)
            strict = personal and wants_fresh(request)
            try:
                entry = fetch(key, strict=strict) if settings.PAGE_CACHE else None
                reachable = settings.PAGE_CACHE
            except Exception:
                logger.warning("cache unavailable: rendering %s uncached", key, exc_info=True)
                entry, reachable = None, False
            if entry is None:
                previous = None if strict or not reachable else _rebuilding_from.get(key)
                building = (
                    one_build_at_a_time(key, wait=previous is None)
                    if reachable
                    else nullcontext(True)
                )
                with building as may_build:
                    if not may_build:
                        # Another thread is rebuilding it for new figures: the copy it replaces.
                        entry = previous
                    elif reachable:
                        # Another thread may have built it while this one waited.
                        entry = _local.get(key)
                        if entry is not None and not is_fresh(entry, strict=strict):
                            entry = None
                    if entry is None:
                        started = time.time()
                        page = view(request, *args, **kwargs)
                        if isinstance(page, HttpResponse):
                            return page
                        entry = build(request, page, started, address)
                        _forget_previous(key)
                        if reachable and page.store:
                            try:
                                store(key, entry, popular_only=page.popular_only)
                            except Exception:
                                logger.warning(
                                    "cache unavailable: not storing %s", key, exc_info=True
                                )
            if reachable:
                _addresses[
                    (request.path, request.META.get("QUERY_STRING", ""), _is_htmx(request))
                ] = key
            if personal:
                return personal_response(request, entry)
            return anonymous_response(request, entry)

        serve.public_page = True
        return serve

    return decorate


class PageCacheMiddleware:
    """Answer a page this process keeps, when it is still fresh, before the URL is resolved.

    Placed after the session and authentication middleware (both lazy: a reader without a
    session loads nothing) so that a personal visitor gets their slots filled in here
    too, and before CSRF and the view, which a kept page does not need.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            key = _addresses.get(
                (request.path, request.META.get("QUERY_STRING", ""), _is_htmx(request))
            )
            if key is not None:
                personal = is_personal(request)
                try:
                    entry = fetch(key, strict=personal and wants_fresh(request))
                except Exception:
                    entry = None
                if entry is not None:
                    request.get_host()  # the host check the rest of the stack would make
                    if personal:
                        return personal_response(request, entry)
                    return anonymous_response(request, entry)
        return self.get_response(request)
