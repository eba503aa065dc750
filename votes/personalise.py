"""Fill a cached public page with what belongs to this visitor alone.

The page was rendered as a reader with no votes and no bookmarks sees it. For a visitor who has
acted, each affected widget is rendered twice, in the default state and in theirs, and the
first is replaced by the second; then the real CSRF token replaces the placeholder.
"""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from comparesite.pagecache import CSRF_PLACEHOLDER, CSRF_PLACEHOLDER_BYTES, Entry
from votes.identity import current_visitor_id, visitor_state

WIDGETS = {
    "community": "votes/widgets.html#community",
    "bookmark": "votes/widgets.html#bookmark_button",
}
COUNT_ZERO = b'<span id="bookmark-count" class="count">0</span>'


def widget_data(tool) -> dict:
    """What the vote and bookmark widgets need of a tool, small enough to keep in the cache."""
    return {"pk": tool.pk, "slug": tool.slug, "name": tool.name, "community": str(tool.community)}


def _render(name: str, tool: dict, path: str, **state) -> bytes:
    # In development templates change under a running server: render afresh every time.
    render = _render_cached.__wrapped__ if settings.DEBUG else _render_cached
    return render(name, tuple(sorted(tool.items())), path, tuple(sorted(state.items())))


@lru_cache(maxsize=4096)
def _render_cached(name: str, tool: tuple, path: str, state: tuple) -> bytes:
    """Widgets depend only on these arguments (the token is a placeholder), so a popular
    page's variants are rendered once per process, not once per request."""
    context = {
        "tool": SimpleNamespace(
            **{**dict(tool), "my_vote": None, "is_bookmarked": False, **dict(state)}
        ),
        "csrf_token": CSRF_PLACEHOLDER,
        "here": path,
    }
    return render_to_string(WIDGETS[name], context).encode()


def personalise(html: bytes, request: HttpRequest, entry: Entry) -> tuple[bytes, str]:
    """Return the visitor's page and a short signature of their state (for the ETag)."""
    visitor_id = current_visitor_id(request)
    signature = ""
    if visitor_id is not None:
        state = visitor_state(request)
        bookmarks = state.bookmarks
        shown = {tool["pk"]: tool for tool in entry.widgets}
        votes = {pk: value for pk, value in state.votes.items() if pk in shown}
        for pk, value in votes.items():
            tool = shown[pk]
            html = html.replace(
                _render("community", tool, request.path),
                _render("community", tool, request.path, my_vote=value),
            )
        for pk in set(bookmarks) & set(shown):
            tool = shown[pk]
            html = html.replace(
                _render("bookmark", tool, request.path),
                _render("bookmark", tool, request.path, is_bookmarked=True),
            )
        if bookmarks:
            html = html.replace(
                COUNT_ZERO, b'<span id="bookmark-count" class="count">%d</span>' % len(bookmarks), 1
            )
        marked = sorted(set(bookmarks) & set(shown))
        signature = f"{visitor_id}:{sorted(votes.items())}:{len(bookmarks)}:{marked}"
    html = html.replace(CSRF_PLACEHOLDER_BYTES, get_token(request).encode())
    return html, signature
