"""Public pages: stored whole for anonymous readers, valid while what they show is unchanged.

Three paths, each followed top to bottom in this file:

- **Anonymous GET** (no `visitor` cookie, no session: `is_personal`). `PageCacheMiddleware`
  finds the page's address among those this process answered (`route`), then `lookup`: the
  stored `Entry` is served while every version it was built from is still current. Otherwise the
  view runs (`@public_page`, `serve`), returns a `Page` (template, context, keys), and `build`
  renders it with a request that carries nothing personal (`anonymous_request`), compresses it
  and stores it (`store`).
- **Personal GET** (the visitor voted, bookmarked or signed in; shared caches pass them). The
  same `serve` makes sure the anonymous page is stored and current, then `personal` renders the
  template normally for them, from the `Page` that page was built from and with the template's
  `{% shared %}` parts (core/templatetags/pages.py) cached under that page's ETag: only their
  own parts (their vote, bookmarks, staff links) are computed, once for all visitors whose
  own parts are alike (`personal_key`).
- **A write** calls core/purge.py `purge(keys)`, which calls `bump`: each key (core/keys.py)
  has an integer version in the cache, and a bumped version makes every page that shows it miss.

Community figures (soft keys: tallies, popular lists) have versions too, bumped by votes, but a
page showing them compares those only once it is TALLY_WINDOW_SECONDS old (and shared caches
keep it that long at most): a busy page is rebuilt at most once a window, a quiet one not at all.
When only its community figures moved, one request rebuilds a page and the others meanwhile
get the page it replaces (`only_figures_moved`); after an editorial change nobody does.
Scheduled publishing caps every stored page's lifetime (and `s-maxage`) at the next go-live.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import time
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from urllib.parse import urlencode

import brotli
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache, caches
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.utils.http import parse_etags, quote_etag
from django.utils.module_loading import import_string

from core.keys import Key
from core.storage import manifest_root

logger = logging.getLogger(__name__)

# What renders pages: a deploy that changes any of it starts from an empty page cache.
RENDERING_SOURCES = ("core", "tools", "verdicts", "votes", "newsletter", "trust", "modelspecs")
SUFFIXES = frozenset({".py", ".html", ".txt", ".xml"})


def release_digest() -> str:
    """A digest of the code, templates, pinned dependencies and static manifest behind pages."""
    digest = hashlib.blake2s(digest_size=6)
    base = Path(settings.BASE_DIR)
    roots = [base / name for name in (*RENDERING_SOURCES, "templates")]
    for path in sorted(p for root in roots for p in root.rglob("*") if p.suffix in SUFFIXES):
        digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    for path in (base / "constraints.txt", manifest_root() / "staticfiles.json"):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


PREFIX = f"page:{release_digest()}:"
VERSION = "version:"
GO_LIVE = "go-live"  # the publish times of scheduled items (set_go_live)
PAGE_TIMEOUT = 60 * 60  # a stored page's longest life: a bound on memory, not on freshness
ALL_PARAMS = "*"


def local():
    """This process's tier (settings.CACHES["pages"]): pages, versions and routes it served."""
    return caches["pages"]


@dataclass
class Page:
    """What a public view returns: the template, its context and the keys of what it shows."""

    template: str
    context: dict
    keys: Iterable[Key]
    # False for an answer to input the view ignored (an unknown filter value, a page past the
    # end): shown, but not stored, so made-up addresses cannot fill the cache.
    store: bool = True
    # True for one of very many possible addresses (comparisons of three or four tools): stored
    # only from its second request within PAGE_TIMEOUT, so a crawl of them stores nothing.
    popular_only: bool = False


@dataclass
class Entry:
    body: bytes
    versions: dict[str, int]  # the editorial keys' versions when the view read its data
    tallies: dict[str, int]  # the same for community keys (-1: read only after the data)
    built_at: float
    expires_at: float  # PAGE_TIMEOUT, or the next go-live time
    etag: str = ""
    encoded: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.etag = quote_etag(hashlib.blake2s(self.body, digest_size=12).hexdigest())
        if len(self.body) > 512:
            self.encoded = {
                "br": brotli.compress(self.body, quality=5),
                "gzip": gzip.compress(self.body, compresslevel=6, mtime=0),
            }


# --- Versions ------------------------------------------------------------------------------


def versions(names: Iterable[str]) -> dict[str, int]:
    """The current version of each editorial key. A key never bumped (or evicted) starts at
    the time in nanoseconds, above anything it held before. This process re-reads them from the
    shared cache at most every PAGE_CACHE_RECHECK_SECONDS."""
    keys = [VERSION + name for name in names]
    recheck = settings.PAGE_CACHE_RECHECK_SECONDS
    found = local().get_many(keys) if recheck > 0 else {}
    if missing := [key for key in keys if key not in found]:
        shared = cache.get_many(missing)
        for key in missing:
            if key not in shared:
                start = time.time_ns()
                shared[key] = start if cache.add(key, start, None) else cache.get(key, start)
        if recheck > 0:
            local().set_many(shared, recheck)
        found.update(shared)
    return {key.removeprefix(VERSION): found[key] for key in keys}


def bump(names: Iterable[str], *, editorial: bool = True) -> None:
    """Pages showing these keys are out of date (core/purge.py calls it). The epoch of their
    kind moves first (`serve`)."""
    keys = [VERSION + name for name in names]
    for key in [EPOCH if editorial else TALLY_EPOCH, *keys] if keys else []:
        try:
            cache.incr(key)
        except ValueError:  # never read yet, or evicted: any new start is a change
            cache.add(key, time.time_ns(), None)
    local().delete_many(keys)


def set_go_live(times: Iterable[float]) -> None:
    """The publish times of scheduled items (tools/signals.py keeps them after each write)."""
    cache.set(GO_LIVE, sorted(set(times)), timeout=None)


# Moved by every editorial write, and by every community one, before the versions they bump.
EPOCH, TALLY_EPOCH = "epoch", "tally-epoch"


def rebuild_state() -> dict:
    """Read before a rebuild's view: the go-live times, and the epochs (see `serve`)."""
    found = cache.get_many([GO_LIVE, EPOCH, TALLY_EPOCH])
    return {GO_LIVE: found.get(GO_LIVE) or [], **{key: found.get(key) for key in found}}


# --- Stored pages --------------------------------------------------------------------------


def lookup(address: str) -> tuple[Entry | None, dict[str, int]]:
    """The entry stored for `address`, current or not, and the current versions of the keys it
    shows (a rebuild records those: they were read before its data). Raises when the cache is
    down. An expired entry stays stored (PAGE_TIMEOUT) to tell a rebuild which keys to read."""
    entry = local().get(PREFIX + address)
    if entry is None and (entry := cache.get(PREFIX + address)) is not None:
        local().set(PREFIX + address, entry, PAGE_TIMEOUT)
    return entry, versions([*entry.versions, *entry.tallies]) if entry is not None else {}


def only_figures_moved(entry: Entry | None, current: dict[str, int]) -> bool:
    """Only its community figures changed: readers may get it while one request rebuilds it."""
    return entry is not None and all(
        current.get(name) == version for name, version in entry.versions.items()
    )


def is_current(entry: Entry | None, current: dict[str, int]) -> bool:
    """Nothing it shows has changed (community figures: or it is younger than the window)."""
    if entry is None or entry.expires_at <= time.time():
        return False
    if any(current.get(name) != version for name, version in entry.versions.items()):
        return False
    return time.time() - entry.built_at < settings.TALLY_WINDOW_SECONDS or all(
        current.get(name) == version for name, version in entry.tallies.items()
    )


def store(address: str, entry: Entry, page: Page) -> None:
    if page.popular_only and cache.add(f"asked:{PREFIX}{address}", 1, PAGE_TIMEOUT):
        return  # its first request: only noted
    cache.set(PREFIX + address, entry, PAGE_TIMEOUT)
    local().set(PREFIX + address, entry, PAGE_TIMEOUT)


def kept_pages() -> int:
    """How many pages the shared cache holds for this release (for tests and operators)."""
    if hasattr(cache, "iter_keys"):  # django-redis
        return sum(1 for _ in cache.iter_keys(PREFIX + "*"))
    prefix = cache.make_key(PREFIX)  # the local-memory cache of development
    return sum(1 for name in cache._cache if name.startswith(prefix))


def anonymous_request(request: HttpRequest) -> HttpRequest:
    """The request as a reader with nothing of their own sends it: what stored pages render
    with, so nothing personal (a cookie, a user) can reach every reader."""
    shared = copy(request)
    shared.COOKIES = {}
    shared.user = AnonymousUser()
    if hasattr(request, "session"):  # its own, so reading it adds no `Vary: Cookie`
        shared.session = type(request.session)()
    shared.__dict__.pop("visitor_state", None)
    return shared


def build(request: HttpRequest, page: Page, address: str, known: dict, go_live) -> Entry:
    """Render the page for everyone, recording `known`: the versions of what it shows, read
    before the view read its data (`serve`), so that a write committed meanwhile makes it stale
    at once. It lives until a version moves, PAGE_TIMEOUT or the next go-live time."""
    html = render_to_string(
        page.template, {**page.context, "here": address.partition("|")[0]}, request=request
    )
    now = time.time()
    return Entry(
        body=html.encode(),
        versions={name: known[name] for name in editorial(page)},
        tallies={key.name: known.get(key.name, -1) for key in page.keys if key.soft},  # see serve
        built_at=now,
        expires_at=min([now + PAGE_TIMEOUT, *go_live]),
    )


def editorial(page: Page) -> list[str]:
    return sorted({key.name for key in page.keys if not key.soft})


# --- Answers -------------------------------------------------------------------------------


def anonymous_response(request: HttpRequest, entry: Entry) -> HttpResponse:
    """The same bytes for everyone, cacheable by any HTTP cache and purged by its keys."""
    if entry.etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
        response: HttpResponse = HttpResponseNotModified()
    else:
        accepted = request.META.get("HTTP_ACCEPT_ENCODING", "")
        encoding = next((name for name in entry.encoded if name in accepted), "")
        response = HttpResponse(entry.encoded.get(encoding, entry.body))
        response["Content-Length"] = str(len(response.content))
        if encoding:
            response["Content-Encoding"] = encoding
    # Shared caches keep a page showing community figures for the tally window at most.
    s_maxage = settings.TALLY_WINDOW_SECONDS if entry.tallies else settings.PAGE_S_MAXAGE
    s_maxage = max(0, min(s_maxage, round(entry.expires_at - time.time())))
    response["Cache-Control"] = (
        f"public, max-age=0, s-maxage={s_maxage}, "
        f"stale-while-revalidate={min(settings.PAGE_STALE_WHILE_REVALIDATE, s_maxage)}, "
        f"stale-if-error={settings.PAGE_STALE_IF_ERROR}"
    )
    response["ETag"] = entry.etag
    # Shared caches purge by the editorial keys; community figures expire (s-maxage).
    response["Surrogate-Key"] = " ".join(entry.versions)
    response["Cache-Tag"] = ",".join(entry.versions)
    response["Vary"] = "Accept-Encoding, HX-Request"
    return response


def personal_response(
    request: HttpRequest, page: Page, here: str, shared_as: str = ""
) -> HttpResponse:
    """The page rendered for this visitor: private, never stored for anyone else. `shared_as`
    (the stored anonymous page's ETag) lets `{% shared %}` parts come from the cache."""
    return private_response(request, personal_html(request, page, here, shared_as))


def personal_html(request: HttpRequest, page: Page, here: str, shared_as: str) -> str:
    context = {**page.context, "here": here, "shared_as": shared_as}
    return render_to_string(page.template, context, request=request)


def private_response(request: HttpRequest, html: str | tuple[bytes, str]) -> HttpResponse:
    """`html`, or its body and ETag as this returned them before (`personal` keeps those)."""
    if isinstance(html, str):
        body = html.encode()
        html = body, quote_etag(hashlib.blake2s(body, digest_size=12).hexdigest())
    body, etag = html
    if etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Cookie, Accept-Encoding, HX-Request"
    return response


def is_personal(request: HttpRequest) -> bool:
    """Whether the page shows this visitor something of their own: they voted or bookmarked
    (the visitor cookie) or signed in (a session). Shared caches pass such requests too."""
    cookies = request.COOKIES
    return settings.VISITOR_COOKIE_NAME in cookies or settings.SESSION_COOKIE_NAME in cookies


# A visitor who has just voted gets everything rendered afresh for a few seconds.
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


def page_address(request: HttpRequest, params: tuple[str, ...] | str) -> str:
    """The page's own address: its path, the query parameters the view reads, and whether htmx
    asked (a fragment, not the whole page)."""
    if params == ALL_PARAMS:
        kept = sorted((name, value) for name, values in request.GET.lists() for value in values)
    else:
        kept = [(name, request.GET[name]) for name in params if name in request.GET]
    query = urlencode(kept)
    htmx = "htmx" if request.META.get("HTTP_HX_REQUEST") == "true" else "page"
    return f"{request.path}{'?' if query else ''}{query}|{htmx}"


def route(request: HttpRequest) -> str:
    """The request as sent (path, query string, htmx): how the middleware finds its address."""
    return "route:{}?{}|{}".format(
        request.path, request.META.get("QUERY_STRING", ""), request.META.get("HTTP_HX_REQUEST")
    )


def personal_key(request: HttpRequest) -> str:
    """What this visitor's own parts of a page depend on, as a key (settings.PERSONAL_PARTS_KEY
    names the function: their votes and bookmarks), or "" when their page must be rendered
    for them alone: a session (staff, with links and tokens of their own)."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return ""
    return import_string(settings.PERSONAL_PARTS_KEY)(request) or ""


def personal(request: HttpRequest, address: str, entry: Entry | None, page) -> HttpResponse:
    """A personal visitor's render of `page`, the view's `Page` behind the stored page `entry`.
    The template's `{% shared %}` parts are kept under that page's ETag, so only their own parts
    are computed, once for all visitors whose own parts are alike (`personal_key`). Without
    `entry` (none stored, or their own vote in the last ten seconds: `serve`) all of it is."""
    if isinstance(page, HttpResponse):
        return page
    here = address.partition("|")[0]
    if entry is None:
        return personal_response(request, page, here)
    memo = personal_key(request)
    rendered = f"personal:{entry.etag}:{address}:{memo}"
    if memo and (kept := local().get(rendered)) is not None:
        return private_response(request, kept)
    response = private_response(request, personal_html(request, page, here, entry.etag))
    if memo and response.status_code == 200:
        local().set(rendered, (response.content, response["ETag"]), PAGE_TIMEOUT)
    return response


def kept_view(entry: Entry | None, address: str) -> Page | None:
    """The `Page` the stored page `entry` was built from, if this process kept it (`keep_view`):
    a personal visitor's render then needs no query."""
    return None if entry is None else local().get(f"view:{entry.etag}:{address}")


def keep_view(entry: Entry | None, address: str, page) -> None:
    if entry is not None and isinstance(page, Page):
        try:
            local().set(f"view:{entry.etag}:{address}", page, PAGE_TIMEOUT)
        except Exception:  # a context that cannot be kept
            logger.warning("not keeping the view of %s", address, exc_info=True)


def public_page(params: tuple[str, ...] | str = ()):
    """Serve the decorated view's `Page`: stored for anonymous readers, rendered for others.

    `params` names the query parameters the view reads (`"*"` for all): the others
    (`?utm_source=...`) share one stored page. A view may also return any HttpResponse (a
    redirect, a 404), which goes out as it is.
    """

    def decorate(view):
        @wraps(view)
        def serve(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            address = page_address(request, params)
            shared = anonymous_request(request)  # what every stored part is made from
            try:
                entry, known = lookup(address) if settings.PAGE_CACHE else (None, {})
                reachable = settings.PAGE_CACHE
            except Exception:
                logger.warning("cache unavailable: rendering %s", address, exc_info=True)
                entry, known, reachable = None, {}, False
            page, stored = None, reachable
            if not is_current(entry, known):
                rebuilding = f"rebuilding:{PREFIX}{address}"
                if (
                    reachable
                    and not is_personal(request)
                    and only_figures_moved(entry, known)
                    and not cache.add(rebuilding, 1, 10)
                ):
                    # Another request is rebuilding it for new figures: this one gets the page
                    # it replaces (figures a moment older), not a queue of identical builds.
                    return anonymous_response(request, entry)
                before = rebuild_state() if reachable else {}
                page = view(shared, *args, **kwargs)
                if isinstance(page, HttpResponse):
                    return page
                late = {key.name for key in page.keys} - known.keys()
                if reachable:
                    # Versions read only now (a first build) may already count a write the
                    # view's data predates. If an editorial write came meanwhile, the page is
                    # not stored; if a vote did, its figures are checked after the window
                    # (version -1).
                    known = {**versions(late), **known}
                    after = rebuild_state() if late else before
                    if after.get(TALLY_EPOCH) != before.get(TALLY_EPOCH):
                        for key in page.keys:
                            if key.soft and key.name in late:
                                known[key.name] = -1
                    stored = page.store and after.get(EPOCH) == before.get(EPOCH)
                else:
                    known = dict.fromkeys(late, 0)
                go_live = [t for t in before.get(GO_LIVE, ()) if t > time.time()]
                entry = build(shared, page, address, known, go_live)
                if stored:
                    try:
                        store(address, entry, page)
                        cache.delete(rebuilding)
                    except Exception:
                        logger.warning("cache unavailable: not storing %s", address, exc_info=True)
                        stored = False
            if not is_personal(request):
                if stored:
                    local().set(route(request), address, PAGE_TIMEOUT)
                return anonymous_response(request, entry)
            # A personal visitor: the view's Page behind the stored page (kept by this process,
            # or run now), rendered for them. Fresh from their own vote: the view runs again.
            entry = entry if stored and FRESH_COOKIE not in request.COOKIES else None
            kept = kept_view(entry, address) if page is None else None
            if kept is None:
                page = page or view(shared, *args, **kwargs)
                keep_view(entry, address, page)
            return personal(request, address, entry, kept or page)

        return serve

    return decorate


class PageCacheMiddleware:
    """Answer an anonymous reader from a stored page before the URL is resolved, when this
    process has answered that address before (else the view's decorator does the same)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD") and not is_personal(request):
            try:
                address = local().get(route(request))
                entry, current = lookup(address) if address is not None else (None, {})
            except Exception:
                entry, current = None, {}
            if is_current(entry, current):
                request.get_host()  # the host check the rest of the stack would make
                return anonymous_response(request, entry)
        return self.get_response(request)
