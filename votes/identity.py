"""Who is acting: the logged-in user's Visitor, or an anonymous Visitor kept in the session.

Reading never creates anything: a reader who never votes or bookmarks gets no session row and no
Visitor. The first vote or bookmark creates both.
"""

from __future__ import annotations

from django.http import HttpRequest

from votes.models import Bookmark, Visitor, Vote

SESSION_VISITOR = "visitor_id"
SESSION_VISITOR_USER = "visitor_user_id"


def _remember(request: HttpRequest, visitor_id: int) -> None:
    request.session[SESSION_VISITOR] = visitor_id
    request.session[SESSION_VISITOR_USER] = (
        request.user.pk if request.user.is_authenticated else None
    )


def current_visitor_id(request: HttpRequest) -> int | None:
    """The acting visitor's id, or None for someone who has never acted. Creates nothing."""
    if hasattr(request, "_visitor_id"):
        return request._visitor_id
    user = request.user
    visitor_id = request.session.get(SESSION_VISITOR)
    if user.is_authenticated:
        if visitor_id is None or request.session.get(SESSION_VISITOR_USER) != user.pk:
            visitor_id = Visitor.objects.filter(user=user).values_list("pk", flat=True).first()
            if visitor_id is not None:
                _remember(request, visitor_id)
    elif request.session.get(SESSION_VISITOR_USER) is not None:
        visitor_id = None  # a logged-out user's identity stays with their account
    request._visitor_id = visitor_id
    return visitor_id


def get_or_create_visitor_id(request: HttpRequest) -> int:
    """The acting visitor's id, creating the Visitor (and so the session) on the first action."""
    visitor_id = current_visitor_id(request)
    if visitor_id is not None and Visitor.objects.filter(pk=visitor_id).exists():
        return visitor_id
    if request.user.is_authenticated:
        visitor, _ = Visitor.objects.get_or_create(user=request.user)
    else:
        visitor = Visitor.objects.create()
    _remember(request, visitor.pk)
    request._visitor_id = visitor.pk
    request.__dict__.pop("_bookmark_ids", None)
    return visitor.pk


def bookmarked_tool_ids(request: HttpRequest) -> list[int]:
    """Ids of the visitor's bookmarked tools, newest first; one query, once per request."""
    if not hasattr(request, "_bookmark_ids"):
        visitor_id = current_visitor_id(request)
        request._bookmark_ids = (
            []
            if visitor_id is None
            else list(
                Bookmark.objects.filter(visitor_id=visitor_id).values_list("tool_id", flat=True)
            )
        )
    return request._bookmark_ids


def attach_visitor_state(request: HttpRequest, tools) -> None:
    """Set `my_vote` and `is_bookmarked` on each tool: at most two queries for any number."""
    tools = list(tools)
    visitor_id = current_visitor_id(request)
    votes: dict[int, str] = {}
    if visitor_id is not None and tools:
        votes = dict(
            Vote.objects.filter(visitor_id=visitor_id, tool__in=tools).values_list(
                "tool_id", "value"
            )
        )
    bookmarks = set(bookmarked_tool_ids(request))
    for tool in tools:
        tool.my_vote = votes.get(tool.pk)
        tool.is_bookmarked = tool.pk in bookmarks
