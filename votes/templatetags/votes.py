"""The per-visitor widgets of public pages, as named slots (core/pages.py).

`{% vote_widget tool %}`, `{% bookmark_button tool %}` and `{% bookmark_count %}` place a slot
(votes/templates/votes/slots.html). Rendering a slot reads the visitor's own state (empty while
a page is built for everyone, `anonymous` in the context, and for a reader who never acted),
then renders the widget for that state. A widget depends only on the tool, the page address
and that state, so each process renders each combination once (`_render`); a visitor with a
session costs a dictionary lookup per widget, not a template render.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from core.pages import slot
from votes.identity import EMPTY_STATE, visitor_state
from votes.notes import take_note
from votes.widgets import WidgetTool

register = template.Library()


@register.simple_tag(takes_context=True)
def vote_widget(context, tool):
    return slot(context, "votes/slots.html#vote", {"tool": WidgetTool.of(tool)})


@register.simple_tag(takes_context=True)
def bookmark_button(context, tool):
    return slot(context, "votes/slots.html#bookmark", {"tool": WidgetTool.of(tool)})


@register.simple_tag(takes_context=True)
def bookmark_count(context):
    return slot(context, "votes/slots.html#count", {})


def _state(context):
    request = context.get("request")
    if context.get("anonymous") or request is None:
        return EMPTY_STATE
    return visitor_state(request)


def _render(partial: str, here: str, **values) -> SafeString:
    render = _render_cached.__wrapped__ if settings.DEBUG else _render_cached
    return render(partial, here, tuple(sorted(values.items())))


@lru_cache(maxsize=8192)
def _render_cached(partial: str, here: str, values: tuple) -> SafeString:
    return mark_safe(render_to_string(partial, {"here": here, **dict(values)}))  # noqa: S308


@register.simple_tag(takes_context=True)
def render_vote_widget(context, tool: WidgetTool):
    request = context.get("request")
    note = "" if context.get("anonymous") or request is None else take_note(request, tool.slug)
    vote = _state(context).votes.get(tool.pk)
    return _render(
        "votes/widgets.html#community", context.get("here", ""), tool=tool, vote=vote, note=note
    )


@register.simple_tag(takes_context=True)
def render_bookmark_button(context, tool: WidgetTool):
    marked = tool.pk in _state(context).bookmarks
    return _render(
        "votes/widgets.html#bookmark_button", context.get("here", ""), tool=tool, marked=marked
    )


@register.simple_tag(takes_context=True)
def render_bookmark_count(context):
    return _render("votes/widgets.html#bookmark_count", "", count=len(_state(context).bookmarks))
