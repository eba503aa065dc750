"""The per-visitor widgets of public pages, as named slots (core/pages.py).

`{% vote_widget tool %}`, `{% bookmark_button tool %}` and `{% bookmark_count %}` place a slot;
inside the slot's template, `{% my_vote %}`, `{% is_bookmarked %}` and `{% bookmark_total %}`
read the visitor's own state, which is empty while a page is built for everyone
(`anonymous` in the context) and for a reader who never acted (no query then).
"""

from django import template

from core.pages import slot
from votes.identity import visitor_state
from votes.notes import take_note
from votes.widgets import WidgetTool

register = template.Library()


@register.simple_tag(takes_context=True)
def vote_widget(context, tool):
    return slot(context, "votes/widgets.html#community", {"tool": WidgetTool.of(tool)})


@register.simple_tag(takes_context=True)
def bookmark_button(context, tool):
    return slot(context, "votes/widgets.html#bookmark_button", {"tool": WidgetTool.of(tool)})


@register.simple_tag(takes_context=True)
def bookmark_count(context):
    return slot(context, "votes/widgets.html#bookmark_count", {})


def _state(context):
    request = context.get("request")
    if context.get("anonymous") or request is None:
        return None
    return visitor_state(request)


@register.simple_tag(takes_context=True)
def my_vote(context, tool) -> str | None:
    """'ship', 'skip' or None. A tool the view already annotated (a vote's answer) says so."""
    if hasattr(tool, "my_vote"):
        return tool.my_vote
    state = _state(context)
    return state.votes.get(tool.pk) if state else None


@register.simple_tag(takes_context=True)
def vote_note(context, tool) -> str:
    """The confirmation shown at the widget: set by a vote's htmx answer, or left in the
    session by a vote made without JavaScript (votes/views.py) for the page it returns to."""
    if hasattr(tool, "vote_note"):
        return tool.vote_note
    request = context.get("request")
    if context.get("anonymous") or request is None:
        return ""
    return take_note(request, tool.slug)


@register.simple_tag(takes_context=True)
def is_bookmarked(context, tool) -> bool:
    if hasattr(tool, "is_bookmarked"):
        return tool.is_bookmarked
    state = _state(context)
    return bool(state and tool.pk in state.bookmarks)


@register.simple_tag(takes_context=True)
def bookmark_total(context) -> int:
    state = _state(context)
    return len(state.bookmarks) if state else 0
