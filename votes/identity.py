"""Who is acting: the Visitor named by the signed `visitor` cookie, and nothing else.

Reading never creates anything: a reader who never votes or bookmarks gets no cookie and no
Visitor. The first vote or bookmark creates the Visitor in the same transaction as the write
and the reads its answer needs (`first_action`, `act_as_visitor`), and the response carries
the cookie (`remember_visitor`): the visitor's number, signed with SECRET_KEY and dated, so a
browser cannot make one up or change it, and one older than a session's lifetime no longer
counts.
If the database goes away before that commit, neither the Visitor nor the write exists and
the retry starts afresh; after it, the view reads nothing more from the database.

Signed-in editors are visitors like anyone else when they vote (the cookie, not their session,
names them), and readers have no session at all: a personal page reads one cache entry, the
visitor's votes and bookmarks (`visitor_state`).
"""

from __future__ import annotations

import logging
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from core.cache import forget
from core.publishing import live_q
from votes.models import Bookmark, Visitor, Vote

logger = logging.getLogger(__name__)

COOKIE_SALT = "votes.visitor"
STATE_TIMEOUT = 60 * 60


@dataclass(frozen=True)
class VisitorState:
    votes: dict[int, str] = field(default_factory=dict)
    bookmarks: list[int] = field(default_factory=list)


EMPTY_STATE = VisitorState()


def current_visitor_id(request: HttpRequest) -> int | None:
    """The visitor number in the request's signed cookie; None if absent, altered or expired.
    Creates nothing."""
    if settings.VISITOR_COOKIE_NAME not in request.COOKIES:
        return None
    value = request.get_signed_cookie(
        settings.VISITOR_COOKIE_NAME,
        default=None,
        salt=COOKIE_SALT,
        max_age=settings.SESSION_COOKIE_AGE,
    )
    return int(value) if value is not None and value.isdigit() else None


def first_action(request: HttpRequest):
    """The transaction of a browser's first vote or bookmark (it has no visitor cookie): its
    new Visitor, the write and everything the answer reads commit together or not at all, so
    that after an outage the retry finds nothing half done and counts once. A returning
    visitor's write is one statement outside any transaction, which holds the tool's tally
    row locked only while Postgres runs it (votes/services.py)."""
    if current_visitor_id(request) is None:
        return transaction.atomic()
    return nullcontext()


def act_as_visitor(request: HttpRequest, write) -> tuple[int, bool]:
    """Run `write(visitor_id)` as the acting visitor, creating the Visitor first when the
    request names none (or one that no longer exists). Returns the id and whether it is new,
    for `remember_visitor`. Call it within `first_action(request)`."""
    visitor_id = current_visitor_id(request)
    if visitor_id is not None:
        try:
            # One statement: outside a transaction it commits on its own, and a Visitor that
            # is gone fails it right there (the foreign key is checked at its commit).
            write(visitor_id)
            return visitor_id, False
        except IntegrityError:
            pass
    # A browser's first action: it has no cookie yet, so nothing tells it apart from any
    # other newcomer (no value the client chooses may). Its clicks after this one carry the
    # cookie; htmx queues a second click until the first is answered (hx-sync).
    # Inside first_action's transaction this adds no savepoint; alone (a cookie naming a
    # Visitor that is gone) it is the transaction.
    with transaction.atomic(savepoint=False):
        visitor_id = Visitor.objects.create().pk
        write(visitor_id)
    return visitor_id, True


def remember_visitor(response: HttpResponse, visitor_id: int) -> None:
    """The signed cookie naming a visitor created by this request."""
    response.set_signed_cookie(
        settings.VISITOR_COOKIE_NAME,
        str(visitor_id),
        salt=COOKIE_SALT,
        max_age=settings.SESSION_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE or None,
        httponly=True,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )


def state_key(visitor_id: int) -> str:
    """The cache key of the visitor's state."""
    return f"visitor-state:{visitor_id}"


def forget_visitor_state(visitor_id: int) -> None:
    """Drop the visitor's cached state: now, and again once the write commits."""
    forget(state_key(visitor_id))


def state_of(visitor_id: int | None) -> VisitorState:
    """The visitor's votes and bookmarks: cached per visitor (never shared), two queries when
    the cache does not have them (or is down), none for a reader who never acted."""
    if visitor_id is None:
        return EMPTY_STATE
    try:
        state = cache.get(state_key(visitor_id))
    except Exception:
        logger.warning("cache unavailable: reading visitor state from the database")
        state = None
    if state is None:
        state = VisitorState(
            votes=dict(Vote.objects.filter(visitor_id=visitor_id).values_list("tool_id", "value")),
            bookmarks=list(
                Bookmark.objects.filter(live_q("tool__"), visitor_id=visitor_id).values_list(
                    "tool_id", flat=True
                )
            ),
        )
        try:
            cache.set(state_key(visitor_id), state, STATE_TIMEOUT)
        except Exception:
            logger.warning("cache unavailable: visitor state not cached")
    return state


def visitor_state(request: HttpRequest) -> VisitorState:
    """The requesting visitor's state, read once per request: every widget of a page asks."""
    if "visitor_state" not in request.__dict__:
        request.visitor_state = state_of(current_visitor_id(request))
    return request.visitor_state
