"""Visitors whose own parts of a page are alike share one render of it (core/pages.py
`personal`, keyed by settings.PERSONAL_PARTS_KEY): each still sees exactly their own votes,
bookmarks and notes, whatever order they come in, and the next page after a change of theirs
shows the change."""

import itertools
import re

import pytest
from django.test import Client

from core import pages

pytestmark = pytest.mark.django_db

URL = "/compare/code-llama-4-vs-mistral-3b/"
SLUGS = ("code-llama-4", "mistral-3b")

# (votes, bookmarks): what a visitor did before coming back to the page.
STATES = [
    ({"mistral-3b": "ship"}, ()),
    ({"mistral-3b": "skip"}, ()),
    ({"code-llama-4": "ship", "mistral-3b": "skip"}, ()),
    ({}, ("mistral-3b",)),
    ({"code-llama-4": "skip"}, ("code-llama-4", "mistral-3b")),
]


def returning(client: Client) -> Client:
    """The visitor a minute later: the ten-second cookies of their last action have gone."""
    for name in (pages.FRESH_COOKIE, "vote_note"):
        client.cookies.pop(name, None)
    return client


def visitor(votes: dict, bookmarks=()) -> Client:
    visitor.count = getattr(visitor, "count", 0) + 1  # each from an address of their own
    client = Client(REMOTE_ADDR=f"198.51.100.{visitor.count % 250 + 1}")
    for slug, value in votes.items():
        assert client.post(f"/tools/{slug}/vote/", {"value": value}).status_code == 303
    for slug in bookmarks:
        assert client.post(f"/tools/{slug}/bookmark/", {"action": "add"}).status_code == 303
    return returning(client)


def shown(html: str) -> tuple[dict, tuple, int]:
    """The votes, bookmarks and bookmark count a page shows as the reader's own."""
    votes = {
        slug: value
        for slug in SLUGS
        for value in ("ship", "skip")
        if re.search(rf'id="vote-{slug}-{value}"[^>]*aria-pressed="true"', html)
    }
    marked = tuple(
        slug for slug in SLUGS if re.search(rf'id="bookmark-{slug}"[^>]*aria-pressed="true"', html)
    )
    count = int(re.search(r'<span id="bookmark-count" class="count">(\d+)</span>', html)[1])
    return votes, marked, count


def personal_renders() -> int:
    return sum(1 for key in pages.local()._cache if ":personal:" in key)


@pytest.mark.parametrize("order", ["in turn", "reversed", "alike together"])
def test_each_visitor_sees_their_own_state_and_alike_visitors_share_one_render(
    reference_pair, order
):
    Client().get(URL)  # stored for everyone
    visitors = [(state, visitor(*state)) for state in STATES for _ in range(2)]
    if order == "reversed":
        visitors.reverse()
    elif order == "in turn":
        visitors = visitors[::2] + visitors[1::2]
    pages_seen = {}
    for (votes, bookmarks), client in visitors:
        response = client.get(URL)
        assert response["Cache-Control"] == "private, no-cache"
        html = response.content.decode()
        assert shown(html) == (votes, tuple(bookmarks), len(bookmarks))
        pages_seen.setdefault(repr((votes, bookmarks)), set()).add(response.content)
    assert all(len(bodies) == 1 for bodies in pages_seen.values())  # alike: the same bytes
    assert len(set(itertools.chain(*pages_seen.values()))) == len(STATES)
    assert personal_renders() == len(STATES)  # one render per state, not per visitor


def test_the_page_after_a_change_shows_it_and_the_others_keep_theirs(reference_pair):
    Client().get(URL)
    mine, theirs = visitor({"mistral-3b": "ship"}), visitor({"mistral-3b": "ship"})
    assert shown(mine.get(URL).content.decode())[0] == {"mistral-3b": "ship"}
    mine.post("/tools/mistral-3b/vote/", {"value": "skip"})
    mine.post("/tools/code-llama-4/bookmark/", {"action": "add"})
    assert shown(mine.get(URL).content.decode()) == ({"mistral-3b": "skip"}, ("code-llama-4",), 1)
    returning(mine)  # the ten seconds of fresh pages are over: from shared renders again
    assert shown(mine.get(URL).content.decode()) == ({"mistral-3b": "skip"}, ("code-llama-4",), 1)
    assert shown(theirs.get(URL).content.decode()) == ({"mistral-3b": "ship"}, (), 0)
    mine.post("/tools/mistral-3b/vote/", {"value": "clear"})
    returning(mine)
    assert shown(mine.get(URL).content.decode()) == ({}, ("code-llama-4",), 1)


def test_the_note_of_a_vote_is_shown_to_its_voter_only(reference_pair):
    Client().get(URL)
    quiet = visitor({"mistral-3b": "ship"})
    assert "Counted: ship." not in quiet.get(URL).content.decode()  # this state's render kept
    noted = Client()
    noted.post("/tools/mistral-3b/vote/", {"value": "ship"})
    noted.cookies.pop(pages.FRESH_COOKIE)
    assert "vote_note" in noted.cookies
    assert "Counted: ship." in noted.get(URL).content.decode()
    assert "Counted: ship." not in quiet.get(URL).content.decode()


def test_a_signed_in_editor_is_never_served_a_shared_render(reference_pair, signed_in):
    Client().get(URL)
    editor = signed_in(None)
    reader = visitor({}, ("mistral-3b",))
    editor.post("/tools/mistral-3b/bookmark/", {"action": "add"})
    returning(editor)
    link = "Preview with drafts and scheduled items"
    for _ in range(2):
        assert link not in reader.get(URL).content.decode()
        html = editor.get(URL).content.decode()
        assert link in html
        assert shown(html) == ({}, ("mistral-3b",), 1)
