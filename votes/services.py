"""The writes behind votes and bookmarks: each one statement, safe under concurrency and retries."""

from __future__ import annotations

from comparesite.pagecache import bump
from tools.models import Tool
from votes.identity import forget_visitor_state
from votes.models import Bookmark, Vote

CLEAR = "clear"
VOTE_VALUES = (Vote.Value.SHIP, Vote.Value.SKIP, CLEAR)
BOOKMARK_ACTIONS = ("add", "remove")


def cast_vote(*, visitor_id: int, tool: Tool, value: str) -> None:
    """Set the visitor's vote on the tool to `value` (ship, skip), or withdraw it (clear).

    Sets state, never toggles: repeating a request changes nothing. The insert uses
    INSERT ... ON CONFLICT DO UPDATE, so parallel requests by one visitor end in one row.
    """
    if value not in VOTE_VALUES:
        raise ValueError(f"not a vote: {value!r}")
    if value == CLEAR:
        Vote.objects.filter(visitor_id=visitor_id, tool=tool).delete()
    else:
        Vote.objects.bulk_create(
            [Vote(visitor_id=visitor_id, tool=tool, value=value)],
            update_conflicts=True,
            unique_fields=["visitor", "tool"],
            update_fields=["value", "updated_at"],
        )
    # The tally changed: pages showing it are stale. Category pages list every tool's tally
    # and must know that before they query, hence the category-wide name.
    bump(f"tool:{tool.slug}", f"tally:{tool.category.slug}")
    forget_visitor_state(visitor_id)


def set_bookmark(*, visitor_id: int, tool: Tool, action: str) -> None:
    """Add or remove the visitor's bookmark of the tool; idempotent like votes."""
    if action not in BOOKMARK_ACTIONS:
        raise ValueError(f"not a bookmark action: {action!r}")
    if action == "remove":
        Bookmark.objects.filter(visitor_id=visitor_id, tool=tool).delete()
    else:
        Bookmark.objects.bulk_create(
            [Bookmark(visitor_id=visitor_id, tool=tool)], ignore_conflicts=True
        )
    forget_visitor_state(visitor_id)
