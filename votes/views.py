from __future__ import annotations

from dataclasses import replace

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from core.context_processors import here
from core.pages import insist_on_fresh_pages
from core.publishing import SHIP, SKIP, live_q, live_sql
from core.ratelimit import Refusal, check_rate
from core.views import not_found
from votes.allowance import charge_new_vote, remember_charged
from votes.fingerprints import fingerprint
from votes.identity import (
    act_as_visitor,
    current_visitor_id,
    first_action,
    remember_visitor,
    state_of,
)
from votes.models import Bookmark
from votes.notes import leave_note, note_for
from votes.services import (
    BOOKMARK_ACTIONS,
    CLEAR,
    VOTE_VALUES,
    cast_vote,
    change_vote,
    set_bookmark,
)
from votes.tally import CommunityTally, read_tally
from votes.widgets import WidgetTool

VOTE_WORDS = {SHIP: "a ship vote", SKIP: "a skip vote"}


def redirect_back(request: HttpRequest, tool: WidgetTool) -> HttpResponse:
    """303 to the page the form was on (its `next` field), else the tool page."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("tools:detail", args=[tool.slug])
    response = HttpResponseRedirect(target)
    response.status_code = 303
    return response


def refuse(
    request: HttpRequest, tool: WidgetTool | None, message: str, status: int
) -> HttpResponse:
    """A clear error that changed nothing: a fragment for htmx, a small page otherwise."""
    context = {"message": message, "is_error": True, "tool": tool}
    if request.htmx:
        return render(request, "includes/announce.html", context, status=status)
    return render(request, "votes/refused.html", context, status=status)


# What a vote or bookmark needs of its tool, in plain SQL: building the equivalent ORM query
# costs about 0.6 ms of CPU here, four times what Postgres takes to answer it, and votes are
# the busiest writes on the site (docs/benchmarks.md).
PUBLISHED_TOOL = f"""
    SELECT tool.id, tool.slug, tool.name, coalesce(tally.ships, 0), coalesce(tally.skips, 0)
      FROM tools_tool tool
      LEFT JOIN votes_tally tally ON tally.tool_id = tool.id
     WHERE tool.slug = %s AND {live_sql("tool")}
"""  # noqa: S608 (the condition is our own constant text, not input)


def published_tool(slug: str) -> WidgetTool | None:
    with connection.cursor() as cursor:
        cursor.execute(PUBLISHED_TOOL, [slug])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, slug, name, ships, skips = row
    return WidgetTool(pk=pk, slug=slug, name=name, community=CommunityTally(ships, skips))


def accept(
    request: HttpRequest, slug: str, *, field: str, allowed, scope: str, problem: str
) -> tuple[WidgetTool, str] | HttpResponse:
    """The front half of every in-place action: a published tool, an allowed value, within
    the rate limits. Anything else is answered here, and nothing has changed."""
    tool = published_tool(slug)
    if tool is None:
        return not_found(request, reason=f"We have no tool called “{slug}”.")
    value = request.POST.get(field, "")
    if value not in allowed:
        return refuse(request, tool, problem, status=400)
    refusal = check_rate(request, scope, current_visitor_id(request))
    if refusal:
        return refuse(request, tool, refusal.message, status=refusal.status)
    return tool, value


def record_vote(request: HttpRequest, tool: WidgetTool, value: str) -> Refusal | int | None:
    """Set the acting visitor's vote on the tool, or say why not (and change nothing).
    Returns the refusal, or the id of a visitor this vote created, or None."""
    visitor_id = current_visitor_id(request)
    if value == CLEAR and visitor_id is None:
        return None  # nothing to withdraw: a browser that never voted stays nobody
    # Most votes are a returning voter changing their mind: one statement, never charged.
    if (
        value != CLEAR
        and visitor_id is not None
        and change_vote(visitor_id=visitor_id, tool_id=tool.pk, value=value)
    ):
        return None
    # A new vote (or a withdrawal): charged to the address first, written only if allowed.
    refusal, charged = charge_new_vote(request, tool_id=tool.pk, tool_name=tool.name, value=value)
    if refusal:
        return refusal
    seen_from = fingerprint(request)
    visitor_id, new = act_as_visitor(
        request,
        lambda visitor_id: cast_vote(
            visitor_id=visitor_id, tool_id=tool.pk, value=value, fingerprint=seen_from
        ),
    )
    if charged:
        remember_charged(visitor_id, tool.pk)
    return visitor_id if new else None


@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    accepted = accept(
        request,
        slug,
        field="value",
        allowed=VOTE_VALUES,
        scope="vote",
        problem="A vote must be ship, skip or clear.",
    )
    if isinstance(accepted, HttpResponse):
        return accepted
    tool, value = accepted
    with first_action(request):
        outcome = record_vote(request, tool, value)
        if isinstance(outcome, Refusal):
            return refuse(request, tool, outcome.message, status=outcome.status)
        if request.htmx:
            tool = replace(tool, community=CommunityTally(*read_tally(tool.pk)))

    if not request.htmx:
        response = redirect_back(request, tool)
        leave_note(response, tool.slug, value)
    else:
        if value == "clear":
            message = f"Your vote on {tool.name} is withdrawn. Community: {tool.community}."
        else:
            message = f"Counted {VOTE_WORDS[value]} for {tool.name}. Community: {tool.community}."
        context = {
            "tool": tool,
            "vote": None if value == "clear" else value,
            "note": note_for(value),
            "message": message,
            "here": here(request),
        }
        # Rendered from these values alone, as the page's widget tags render the same widget
        # (votes/templatetags/votes.py): the context processors' request, user, messages and
        # site names are read by none of these templates, and binding them cost a fifth of the
        # render.
        response = HttpResponse(render_to_string("votes/vote_response.html", context))
    insist_on_fresh_pages(response)
    if outcome is not None:
        remember_visitor(response, outcome)
    return response


@require_POST
def bookmark(request: HttpRequest, slug: str) -> HttpResponse:
    accepted = accept(
        request,
        slug,
        field="action",
        allowed=BOOKMARK_ACTIONS,
        scope="bookmark",
        problem="A bookmark action must be add or remove.",
    )
    if isinstance(accepted, HttpResponse):
        return accepted
    tool, action = accepted
    visitor_id, new = current_visitor_id(request), False
    if action == "add" or visitor_id is not None:  # a browser that never bookmarked stays nobody
        with first_action(request):
            visitor_id, new = act_as_visitor(
                request,
                lambda visitor_id: set_bookmark(
                    visitor_id=visitor_id, tool_id=tool.pk, action=action
                ),
            )
            context = bookmarks_context(visitor_id) if request.htmx else {}
    else:
        context = {"bookmarks": []}

    if not request.htmx:
        response = redirect_back(request, tool)
    else:
        verb = "Bookmarked" if action == "add" else "Removed the bookmark of"
        context |= {
            "tool": tool,
            "marked": action == "add",
            "count": len(context["bookmarks"]),
            "message": f"{verb} {tool.name}.",
            # The bookmarks page has the panel but no tool cards to update.
            "update_buttons": request.htmx.current_url_abs_path != reverse("votes:bookmarks"),
        }
        response = render(request, "votes/bookmark_response.html", context)
    if new:
        remember_visitor(response, visitor_id)
    return response


def bookmarks_context(visitor_id: int | None) -> dict:
    """The visitor's bookmarked tools that are live, newest first."""
    ids = state_of(visitor_id).bookmarks
    if not ids:
        return {"bookmarks": []}
    saved = Bookmark.objects.filter(
        live_q("tool__"), visitor_id=visitor_id, tool_id__in=ids
    ).select_related("tool")
    by_id = {bookmark.tool_id: bookmark.tool for bookmark in saved}
    return {"bookmarks": [by_id[pk] for pk in ids if pk in by_id]}


@require_safe
@vary_on_headers("HX-Request")
def bookmarks(request: HttpRequest) -> HttpResponse:
    """The visitor's bookmarks: the panel fragment for htmx, a whole page otherwise."""
    template = "votes/bookmarks.html#panel" if request.htmx else "votes/bookmarks.html"
    response = render(request, template, bookmarks_context(current_visitor_id(request)))
    response["Cache-Control"] = "private, no-cache"
    return response
