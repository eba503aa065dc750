"""The short confirmation shown at a widget after a vote made without JavaScript.

The form's 303 returns to the page at the widget (`#vote-<slug>`) with a cookie that lives a
few seconds and says which tool and what was done; that widget shows the matching
sentence. Nothing is stored on the server, and a made-up cookie can only make a visitor's own
page say one of these sentences.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core.publishing import SHIP, SKIP

COOKIE = "vote_note"
NOTE_SECONDS = 10
NOTES = {SHIP: "Counted: ship.", SKIP: "Counted: skip.", "clear": "Vote withdrawn."}


def note_for(value: str) -> str:
    return NOTES.get(value, "")


def leave_note(response: HttpResponse, slug: str, value: str) -> None:
    response.set_cookie(
        COOKIE,
        f"{slug}:{value}",
        max_age=NOTE_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE or None,
        httponly=True,
        samesite="Lax",
    )


def take_note(request: HttpRequest, slug: str) -> str:
    """The sentence for this tool if the visitor's last vote (without JavaScript) was on it."""
    noted, _, value = request.COOKIES.get(COOKIE, "").partition(":")
    return note_for(value) if noted == slug else ""
