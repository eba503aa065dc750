"""The visitor's own widgets on public pages: ordinary template tags.

`{% vote_widget tool %}`, `{% bookmark_button tool %}` and `{% bookmark_count %}` read the
requesting visitor's state (`visitor_state`: empty for a reader who never acted, and for the
request a stored page is rendered with, core/pages.py `anonymous_request`) and render the widget
for it. A widget depends only on the tool, the page address and that state, so each process
renders each combination once (`_render`): a dictionary lookup per widget, not a template render.
"""

import hashlib
from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from core.templatetags.pages import refuse_inside_shared
from votes.identity import EMPTY_STATE, visitor_state
from votes.notes import COOKIE as NOTE_COOKIE
from votes.notes import take_note
from votes.widgets import WidgetTool

register = template.Library()


def personal_parts_key(request) -> str:
    """What the tags below show a visitor, as a key (settings.PERSONAL_PARTS_KEY): their votes
    and bookmarks. Visitors with the same key see the same page (core/pages.py `personal`).
    "" while the note of their last vote waits in its cookie: that page is theirs alone."""
    if NOTE_COOKIE in request.COOKIES:
        return ""
    state = visitor_state(request)
    facts = repr((sorted(state.votes.items()), sorted(state.bookmarks)))
    return hashlib.blake2s(facts.encode(), digest_size=12).hexdigest()


def _state(context, tag: str):
    refuse_inside_shared(context, tag)
    request = context.get("request")
    return EMPTY_STATE if request is None else visitor_state(request)


def _render(partial: str, here: str, **values) -> SafeString:
    render = _render_cached.__wrapped__ if settings.DEBUG else _render_cached
    return render(partial, here, tuple(sorted(values.items())))


@lru_cache(maxsize=8192)
def _render_cached(partial: str, here: str, values: tuple) -> SafeString:
    return mark_safe(render_to_string(partial, {"here": here, **dict(values)}))  # noqa: S308


@register.simple_tag(takes_context=True)
def vote_widget(context, tool):
    tool = WidgetTool.of(tool)
    request = context.get("request")
    note = "" if request is None else take_note(request, tool.slug)
    vote = _state(context, "vote_widget").votes.get(tool.pk)
    return _render(
        "votes/widgets.html#community", context.get("here", ""), tool=tool, vote=vote, note=note
    )


@register.simple_tag(takes_context=True)
def bookmark_button(context, tool):
    tool = WidgetTool.of(tool)
    marked = tool.pk in _state(context, "bookmark_button").bookmarks
    return _render(
        "votes/widgets.html#bookmark_button", context.get("here", ""), tool=tool, marked=marked
    )


@register.simple_tag(takes_context=True)
def bookmark_count(context):
    return _render(
        "votes/widgets.html#bookmark_count",
        "",
        count=len(_state(context, "bookmark_count").bookmarks),
    )
