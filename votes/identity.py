"""Who is acting: the signed-in user's Visitor, or a reader's Visitor named by a signed cookie.

Reading never creates anything: a reader who never votes or bookmarks gets no cookie and no
Visitor. The first vote or bookmark creates the Visitor, and the response carries the
`visitor` cookie (settings.VISITOR_COOKIE_NAME): the visitor's number, signed with SECRET_KEY
and dated, so a browser cannot make one up or change it, and one older than a session's
lifetime no longer counts. A reader then costs no session: a personal page reads only their
cached votes and bookmarks (one cache read), and a vote neither reads nor writes a session.

Editors who sign in have a session, and their Visitor is their account's. Visitors from
before the cookie, whose number sits in their session, are still recognised.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse

from core.cache import forget
from core.publishing import live_q
from votes.models import Bookmark, Visitor, Vote

logger = logging.getLogger(__name__)

SESSION_VISITOR = "visitor_id"
SESSION_VISITOR_USER = "visitor_user_id"
COOKIE_SALT = "votes.visitor"
STATE_TIMEOUT = 60 * 60


@dataclass(frozen=True)
class VisitorState:
    votes: dict[int, str] = field(default_factory=dict)
    bookmarks: list[int] = field(default_factory=list)


EMPTY_STATE = VisitorState()


def _cookie_visitor_id(request: HttpRequest) -> int | None:
    """The visitor number in the request's signed cookie; None if absent, altered or expired."""
    value = request.get_signed_cookie(
        settings.VISITOR_COOKIE_NAME,
        default=None,
        salt=COOKIE_SALT,
        max_age=settings.SESSION_COOKIE_AGE,
    )
    return int(value) if value is not None and value.isdigit() else None


def _account_visitor_id(request: HttpRequest) -> int | None:
    """The signed-in user's Visitor (its number kept in their session), or a visitor from
    before the cookie whose number is in their session; None for neither."""
    user = request.user
    visitor_id = request.session.get(SESSION_VISITOR)
    if user.is_authenticated:
        if visitor_id is None or request.session.get(SESSION_VISITOR_USER) != user.pk:
            visitor_id = Visitor.objects.filter(user=user).values_list("pk", flat=True).first()
            if visitor_id is not None:
                request.session[SESSION_VISITOR] = visitor_id
                request.session[SESSION_VISITOR_USER] = user.pk
        return visitor_id
    if request.session.get(SESSION_VISITOR_USER) is not None:
        return None  # a signed-out user's identity stays with their account
    return visitor_id


def current_visitor_id(request: HttpRequest) -> int | None:
    """The acting visitor's id, or None for someone who has never acted. Creates nothing."""
    if hasattr(request, "_visitor_id"):
        return request._visitor_id
    visitor_id = None
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        # Only editors (and visitors from before the cookie) have a session.
        visitor_id = _account_visitor_id(request)
        if request.user.is_authenticated:
            request._visitor_id = visitor_id
            return visitor_id
    if visitor_id is None and settings.VISITOR_COOKIE_NAME in request.COOKIES:
        visitor_id = _cookie_visitor_id(request)
    request._visitor_id = visitor_id
    return visitor_id


def get_or_create_visitor_id(request: HttpRequest, *, fresh: bool = False) -> int:
    """The acting visitor's id, creating the Visitor on the first action.

    `fresh=True` replaces an id whose Visitor no longer exists (the write using it failed).
    """
    visitor_id = None if fresh else current_visitor_id(request)
    if visitor_id is not None:
        return visitor_id
    if request.user.is_authenticated:
        visitor_id = Visitor.objects.get_or_create(user=request.user)[0].pk
        request.session[SESSION_VISITOR] = visitor_id
        request.session[SESSION_VISITOR_USER] = request.user.pk
    else:
        # A browser's first action: it has no cookie yet, so nothing tells it apart from any
        # other newcomer (no value the client chooses may). Its clicks after this one carry the
        # cookie; htmx queues a second click until the first is answered (hx-sync).
        visitor_id = Visitor.objects.create().pk
        # Sent with whatever this request answers, the 503 page included
        # (VisitorCookieMiddleware): if the database goes away between the Visitor and the
        # write it is for, the retry still comes back as this visitor and changes nothing.
        request._new_visitor_id = visitor_id
    request._visitor_id = visitor_id
    request.__dict__.pop("_visitor_state", None)
    return visitor_id


class VisitorCookieMiddleware:
    """Send the signed cookie of a visitor made during this request (see the module's
    docstring); placed before (outside) the middleware that answers a database outage."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        visitor_id = getattr(request, "_new_visitor_id", None)
        if visitor_id is not None:
            response.set_signed_cookie(
                settings.VISITOR_COOKIE_NAME,
                str(visitor_id),
                salt=COOKIE_SALT,
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE or None,
                httponly=True,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        return response


def act_as_visitor(request: HttpRequest, write) -> int:
    """Run `write(visitor_id)` as the acting visitor; if a stale session points at a Visitor
    that is gone, start a new one and try once more. Returns the visitor id used."""
    visitor_id = get_or_create_visitor_id(request)
    try:
        # Each write is one statement: outside a transaction it commits on its own, and a
        # missing Visitor fails it right there (the foreign key is checked at its commit).
        write(visitor_id)
    except IntegrityError:
        visitor_id = get_or_create_visitor_id(request, fresh=True)
        write(visitor_id)
    request.__dict__.pop("_visitor_state", None)
    return visitor_id


def state_key(visitor_id: int) -> str:
    """The cache key of the visitor's state (a write can drop it along with its purge)."""
    return f"visitor-state:{visitor_id}"


def forget_visitor_state(visitor_id: int) -> None:
    """Drop the visitor's cached state: now, and again once the write commits."""
    forget(state_key(visitor_id))


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:
        logger.warning("cache unavailable: reading visitor state from the database")
        return None


def _cache_set(key: str, value, timeout: int) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("cache unavailable: visitor state not cached")


def visitor_state(request: HttpRequest) -> VisitorState:
    """The acting visitor's votes and bookmarks: cached per visitor (never shared), two
    queries when the cache does not have them, none for a reader who never acted."""
    if not hasattr(request, "_visitor_state"):
        visitor_id = current_visitor_id(request)
        state = EMPTY_STATE
        if visitor_id is not None:
            state = _cache_get(state_key(visitor_id))
            if state is None:
                state = VisitorState(
                    votes=dict(
                        Vote.objects.filter(visitor_id=visitor_id).values_list("tool_id", "value")
                    ),
                    bookmarks=list(
                        Bookmark.objects.filter(
                            live_q("tool__"), visitor_id=visitor_id
                        ).values_list("tool_id", flat=True)
                    ),
                )
                _cache_set(state_key(visitor_id), state, STATE_TIMEOUT)
        request._visitor_state = state
    return request._visitor_state


def bookmarked_tool_ids(request: HttpRequest) -> list[int]:
    """Ids of the visitor's bookmarked tools, newest first."""
    return visitor_state(request).bookmarks
