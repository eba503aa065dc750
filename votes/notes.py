"""Short confirmations shown at a widget after a vote made without JavaScript.

The form's 303 returns to the page at the widget (`#vote-<slug>`); the note waits in the cache
for a couple of minutes under the visitor's id and is shown once, by that widget's slot. Kept
out of the session so that showing it costs no database write.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.http import HttpRequest

from votes.identity import current_visitor_id

logger = logging.getLogger(__name__)
NOTE_SECONDS = 120


def _key(visitor_id: int) -> str:
    return f"notes:{visitor_id}"


def leave_note(visitor_id: int, slug: str, text: str) -> None:
    try:
        notes = cache.get(_key(visitor_id)) or {}
        cache.set(_key(visitor_id), {**notes, slug: text}, NOTE_SECONDS)
    except Exception:
        logger.warning("cache unavailable: no confirmation note for %s", slug)


def take_note(request: HttpRequest, slug: str) -> str:
    """The note left for this tool, once: the visitor's notes are read and cleared together."""
    if not hasattr(request, "_notes"):
        request._notes = {}
        visitor_id = current_visitor_id(request)
        if visitor_id is not None:
            try:
                request._notes = cache.get(_key(visitor_id)) or {}
                if request._notes:
                    cache.delete(_key(visitor_id))
            except Exception:
                logger.warning("cache unavailable: confirmation notes not shown")
    return request._notes.get(slug, "")
