import re

import pytest
from django.contrib.sessions.models import Session

from tests.factories import ToolFactory
from votes.models import Bookmark

pytestmark = pytest.mark.django_db

URL = "/tools/code-llama-4/bookmark/"


def test_add_and_remove_are_idempotent(client, tool):
    for _ in range(2):
        assert client.post(URL, {"action": "add"}).status_code == 303
    assert Bookmark.objects.count() == 1
    for _ in range(2):
        assert client.post(URL, {"action": "remove"}).status_code == 303
    assert Bookmark.objects.count() == 0


def test_the_bookmarks_page_lists_them_newest_first_and_the_header_counts_them(client, tool):
    other = ToolFactory(name="Mistral 3B", slug="mistral-3b")
    client.post(URL, {"action": "add"})
    client.post(f"/tools/{other.slug}/bookmark/", {"action": "add"})
    content = client.get("/bookmarks/").content.decode()
    assert content.index("Mistral 3B") < content.index("Code Llama 4")
    assert '<span id="bookmark-count" class="count">2</span>' in content


def test_an_empty_panel_says_so(client, tool):
    response = client.get("/bookmarks/", HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="bookmarks-panel"' in content
    assert "No bookmarks yet: ☆ a tool to keep it here." in content
    assert response["Vary"].count("HX-Request") == 1
    assert Session.objects.count() == 0


def test_pages_load_the_panel_in_place(client, tool):
    content = client.get("/tools/code-llama-4/").content.decode()
    assert 'hx-get="/bookmarks/" hx-trigger="load"' in content
    assert "Loading bookmarks…" in content


def test_htmx_gets_the_button_the_panel_and_the_count(client, tool):
    response = client.post(URL, {"action": "add"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert 'hx-swap-oob="outerHTML:.bookmark-code-llama-4"' in content
    assert 'aria-pressed="true"' in content
    assert 'id="bookmarks-panel"' in content and 'href="/tools/code-llama-4/"' in content
    assert '<span id="bookmark-count" class="count" hx-swap-oob="true">1</span>' in content


@pytest.mark.parametrize("action", ["", "toggle", "ADD"])
def test_it_rejects_invalid_actions(client, tool, action):
    assert client.post(URL, {"action": action}).status_code == 400
    assert Bookmark.objects.count() == 0


def test_it_rejects_get_and_unknown_tools(client, tool):
    assert client.get(URL).status_code == 405
    assert client.post("/tools/nope/bookmark/", {"action": "add"}).status_code == 404
    assert Bookmark.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_page_shows_a_new_bookmark_after_the_visitors_state_was_cached(client, tool):
    client.post("/tools/code-llama-4/vote/", {"value": "ship"})
    client.get("/tools/code-llama-4/")  # caches the visitor's state
    client.post(URL, {"action": "add"})
    content = client.get("/tools/code-llama-4/").content.decode()
    assert 'value="remove" aria-pressed="true"' in content
    client.post(URL, {"action": "remove"})
    content = client.get("/tools/code-llama-4/").content.decode()
    assert 'value="add" aria-pressed="false"' in content


def test_two_to_four_bookmarks_can_be_compared_from_the_bookmarks_page(client, tool):
    others = [
        ToolFactory(name=f"Saved {n}", slug=f"saved-{n}", entry_price="$9/mo") for n in range(4)
    ]
    for saved in [tool, *others]:
        client.post(f"/tools/{saved.slug}/bookmark/", {"action": "add"})
    content = client.get("/bookmarks/").content.decode()
    assert "Compare your bookmarks" in content
    # The newest four are ticked; five can be shown but not compared at once.
    ticked = re.findall(r'name="t" value="([^"]+)" checked', content)
    assert ticked == ["saved-3", "saved-2", "saved-1", "saved-0"]
    assert "$9/mo" in content
    response = client.get("/compare/", {"t": ticked[:2]})
    assert response.status_code == 302
    assert response["Location"] == "/compare/saved-2-vs-saved-3/"


def test_one_bookmark_offers_nothing_to_compare(client, tool):
    client.post(URL, {"action": "add"})
    assert "Compare your bookmarks" not in client.get("/bookmarks/").content.decode()
