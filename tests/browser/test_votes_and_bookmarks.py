"""Community ship/skip votes and bookmarks on the compare page, with htmx and without JavaScript.

Each tool has one community widget on the page; a vote updates it in place with htmx, and with
JavaScript off the same form posts, is sent back (303) to the widget and shows the new state and
a confirmation there. Bookmarks update the tool's button, the bookmarks panel and the header
count. Every flow must leave the console free of errors.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import COMPARE_PATH

pytestmark = pytest.mark.usefixtures("site_data")

MISTRAL = ("mistral-3b", "Mistral 3B")
CODE_LLAMA = ("code-llama-4", "Code Llama 4")
NO_VOTES = "No votes yet"
NO_BOOKMARKS = "No bookmarks yet: ☆ a tool to keep it here."


# --- what a person sees --------------------------------------------------------------------


def community_widget(page: Page, slug: str):
    """The tool's one community widget on the page."""
    widget = page.locator(f".community-{slug}")
    expect(widget, f"{slug} community widgets on the page").to_have_count(1)
    return widget


def expect_community(page: Page, tool: tuple[str, str], figure: str, my_vote: str | None):
    """The widget of `tool` shows `figure`, and only the button of `my_vote` is pressed."""
    slug, name = tool
    widget = community_widget(page, slug)
    expect(widget.locator(".community__figure"), f"{name} figure").to_have_text(figure)
    for value in ("ship", "skip"):
        button = vote_button(widget, name, value)
        label = f"{name} {value} button"
        expect(button, label).to_have_count(1)
        pressed = my_vote == value
        expect(button, label).to_have_attribute("aria-pressed", "true" if pressed else "false")
    # The pressed state is said on screen too, with a way back.
    mine = widget.locator(".community__mine")
    if my_vote:
        expect(mine).to_contain_text(f"You voted {my_vote.title()} · Undo")
    else:
        expect(mine).not_to_contain_text("You voted")


def vote_button(scope, name: str, value: str):
    """The Ship or Skip button for tool `name`, found by role and accessible name."""
    return scope.get_by_role("button", name=f"{value.title()} {name}", exact=True)


def card_vote_button(page: Page, tool: tuple[str, str], value: str):
    slug, name = tool
    return vote_button(community_widget(page, slug), name, value)


def bookmark_button(page: Page, tool: tuple[str, str]):
    _, name = tool
    label = re.compile(rf"^Bookmark(ed)? {re.escape(name)}$")
    return page.locator(".about__tool").get_by_role("button", name=label)


def panel(page: Page):
    return page.locator("#bookmarks-panel")


def header_count(page: Page):
    return page.get_by_role("navigation", name="Main").locator("#bookmark-count")


def set_marker(page: Page) -> None:
    """A value that lives only as long as this document: a full navigation would lose it."""
    page.evaluate("window.__marker = 1")


def assert_no_navigation(page: Page, live_server, path: str) -> None:
    assert page.evaluate("window.__marker") == 1, "the page was reloaded or navigated away"
    assert page.url == live_server.url + path


def htmx_post(page: Page, path: str):
    """Expect the POST that the next action sends to `path`, as an htmx request."""
    return page.expect_response(
        lambda response: (
            response.request.method == "POST"
            and response.url.endswith(path)
            and response.request.headers.get("hx-request") == "true"
        )
    )


def plain_post(page: Page, path: str):
    """Expect the ordinary (no-JS) form POST that the next action sends to `path`."""
    return page.expect_response(
        lambda response: response.request.method == "POST" and response.url.endswith(path)
    )


def assert_quiet(watch) -> None:
    assert not watch.failed, f"failed requests: {watch.failed}"
    assert not watch.console_errors, f"console errors: {watch.console_errors}"


# --- the database --------------------------------------------------------------------------


def votes_on(slug: str) -> list[str]:
    from votes.models import Vote

    return sorted(Vote.objects.filter(tool__slug=slug).values_list("value", flat=True))


def bookmarked_slugs() -> list[str]:
    from votes.models import Bookmark

    return sorted(Bookmark.objects.values_list("tool__slug", flat=True))


# --- with JavaScript (htmx) ----------------------------------------------------------------


def test_vote_updates_both_widgets_in_place(open_page, live_server):
    page, watch = open_page(COMPARE_PATH)
    expect_community(page, MISTRAL, NO_VOTES, None)
    expect_community(page, CODE_LLAMA, NO_VOTES, None)
    set_marker(page)

    with htmx_post(page, "/tools/mistral-3b/vote/") as response:
        card_vote_button(page, MISTRAL, "ship").click()
    assert response.value.status == 200
    expect_community(page, MISTRAL, "100% ship · 1 vote", "ship")
    expect(page.locator("#announcer")).to_have_text(
        "Counted a ship vote for Mistral 3B. Community: 100% ship · 1 vote."
    )
    expect_community(page, CODE_LLAMA, NO_VOTES, None)
    assert_no_navigation(page, live_server, COMPARE_PATH)
    assert votes_on("mistral-3b") == ["ship"]

    page.reload()
    expect_community(page, MISTRAL, "100% ship · 1 vote", "ship")
    expect_community(page, CODE_LLAMA, NO_VOTES, None)
    set_marker(page)

    with htmx_post(page, "/tools/mistral-3b/vote/") as response:
        card_vote_button(page, MISTRAL, "skip").click()
    assert response.value.status == 200
    expect_community(page, MISTRAL, "0% ship · 1 vote", "skip")
    expect(page.locator("#announcer")).to_have_text(
        "Counted a skip vote for Mistral 3B. Community: 0% ship · 1 vote."
    )
    assert votes_on("mistral-3b") == ["skip"]

    # Pressing the pressed button again withdraws the vote.
    with htmx_post(page, "/tools/mistral-3b/vote/") as response:
        card_vote_button(page, MISTRAL, "skip").click()
    assert response.value.status == 200
    expect_community(page, MISTRAL, NO_VOTES, None)
    expect(page.locator("#announcer")).to_have_text(
        "Your vote on Mistral 3B is withdrawn. Community: No community votes yet."
    )
    expect_community(page, CODE_LLAMA, NO_VOTES, None)
    assert_no_navigation(page, live_server, COMPARE_PATH)

    assert votes_on("mistral-3b") == []
    assert votes_on("code-llama-4") == []
    assert_quiet(watch)


class VoteRequests:
    """Every vote POST the page sends, and whether it has finished."""

    def __init__(self, page: Page):
        self.page = page
        self.sent: list[str] = []
        self.pending: set = set()
        self.last_event = time.monotonic()
        page.on("request", self._on_request)
        page.on("requestfinished", self._on_done)
        page.on("requestfailed", self._on_done)

    def _on_request(self, request) -> None:
        if request.method == "POST" and request.url.endswith("/vote/"):
            self.sent.append(request.post_data or "")
            self.pending.add(request)
            self.last_event = time.monotonic()

    def _on_done(self, request) -> None:
        if request in self.pending:
            self.pending.discard(request)
            self.last_event = time.monotonic()

    def settle(self, quiet: float = 0.4, timeout: float = 5) -> None:
        """Wait until at least one vote was sent, all finished, and none followed for `quiet` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.sent and not self.pending and time.monotonic() - self.last_event >= quiet:
                break
            self.page.wait_for_timeout(50)
        self.page.wait_for_function("() => !document.querySelector('.htmx-request')")
        assert self.sent, "the clicks sent no vote"
        assert not self.pending, f"vote requests still running: {[r.url for r in self.pending]}"

    def values(self) -> list[str]:
        return [data.rsplit("value=", 1)[-1] for data in self.sent]


def test_double_click_on_ship_counts_one_vote(open_page, live_server):
    page, watch = open_page(COMPARE_PATH)
    expect_community(page, MISTRAL, NO_VOTES, None)
    set_marker(page)
    requests = VoteRequests(page)

    card_vote_button(page, MISTRAL, "ship").dblclick()

    requests.settle()
    assert votes_on("mistral-3b") == ["ship"], f"votes sent: {requests.values()}"
    expect_community(page, MISTRAL, "100% ship · 1 vote", "ship")
    assert_no_navigation(page, live_server, COMPARE_PATH)

    page.reload()
    expect_community(page, MISTRAL, "100% ship · 1 vote", "ship")
    assert_quiet(watch)


@pytest.mark.parametrize("viewport", ["phone-375", "desktop-1280"])
def test_human_double_click_on_ship_counts_one_vote(open_page, live_server, viewport):
    """A person's double click: two presses ~150 ms apart, the pointer not moving.

    The first response (tens of ms) swaps in the pressed button, whose value is `clear`; the
    second press must not withdraw the vote the first one just cast.
    """
    page, watch = open_page(COMPARE_PATH, viewport)
    expect_community(page, MISTRAL, NO_VOTES, None)
    button = card_vote_button(page, MISTRAL, "ship")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    requests = VoteRequests(page)

    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.up()
    page.wait_for_timeout(150)
    page.mouse.down(click_count=2)
    page.mouse.up(click_count=2)

    requests.settle()
    assert votes_on("mistral-3b") == ["ship"], (
        f"a double click on the Ship button ({viewport}) sent {requests.values()}"
    )
    expect_community(page, MISTRAL, "100% ship · 1 vote", "ship")
    assert_quiet(watch)


def test_bookmark_updates_button_panel_and_count_in_place(open_page, live_server):
    page, watch = open_page(COMPARE_PATH)
    expect(panel(page)).to_contain_text(NO_BOOKMARKS)
    expect(panel(page)).not_to_contain_text("Loading bookmarks")
    expect(header_count(page)).to_have_text("0")
    expect(bookmark_button(page, CODE_LLAMA)).to_have_attribute("aria-pressed", "false")
    set_marker(page)

    with htmx_post(page, "/tools/code-llama-4/bookmark/") as response:
        bookmark_button(page, CODE_LLAMA).click()
    assert response.value.status == 200
    expect(bookmark_button(page, CODE_LLAMA)).to_have_attribute("aria-pressed", "true")
    expect(bookmark_button(page, CODE_LLAMA)).to_contain_text("★")
    expect(bookmark_button(page, MISTRAL)).to_have_attribute("aria-pressed", "false")
    expect(panel(page).get_by_role("link", name="Code Llama 4", exact=True)).to_be_visible()
    expect(panel(page).get_by_role("button", name="Remove Code Llama 4")).to_be_visible()
    expect(panel(page)).not_to_contain_text("No bookmarks yet")
    expect(panel(page).locator("li")).to_have_count(1)
    expect(header_count(page)).to_have_text("1")
    expect(page.locator("#announcer")).to_have_text("Bookmarked Code Llama 4.")
    assert_no_navigation(page, live_server, COMPARE_PATH)
    assert bookmarked_slugs() == ["code-llama-4"]

    # The bookmarks page shows the same list.
    page.goto(live_server.url + "/bookmarks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your bookmarks")
    expect(panel(page).get_by_role("link", name="Code Llama 4", exact=True)).to_be_visible()
    expect(panel(page).locator("li")).to_have_count(1)
    expect(header_count(page)).to_have_text("1")

    # Back on the compare page the panel loads the bookmark; remove it from the panel.
    page.goto(live_server.url + COMPARE_PATH)
    expect(panel(page).get_by_role("link", name="Code Llama 4", exact=True)).to_be_visible()
    expect(bookmark_button(page, CODE_LLAMA)).to_have_attribute("aria-pressed", "true")
    set_marker(page)

    with htmx_post(page, "/tools/code-llama-4/bookmark/") as response:
        panel(page).get_by_role("button", name="Remove Code Llama 4").click()
    assert response.value.status == 200
    expect(panel(page)).to_contain_text(NO_BOOKMARKS)
    expect(panel(page).locator("li")).to_have_count(0)
    expect(header_count(page)).to_have_text("0")
    expect(bookmark_button(page, CODE_LLAMA)).to_have_attribute("aria-pressed", "false")
    expect(bookmark_button(page, CODE_LLAMA)).to_contain_text("☆")
    expect(page.locator("#announcer")).to_have_text("Removed the bookmark of Code Llama 4.")
    assert_no_navigation(page, live_server, COMPARE_PATH)

    assert bookmarked_slugs() == []
    assert_quiet(watch)


def test_remove_on_bookmarks_page_in_place(open_page, live_server):
    """Removing from /bookmarks/ itself (where no tool card exists) works and stays quiet."""
    page, watch = open_page(COMPARE_PATH)
    with htmx_post(page, "/tools/mistral-3b/bookmark/"):
        bookmark_button(page, MISTRAL).click()
    expect(header_count(page)).to_have_text("1")

    page.goto(live_server.url + "/bookmarks/")
    expect(panel(page).get_by_role("link", name="Mistral 3B", exact=True)).to_be_visible()
    set_marker(page)

    with htmx_post(page, "/tools/mistral-3b/bookmark/") as response:
        panel(page).get_by_role("button", name="Remove Mistral 3B").click()
    assert response.value.status == 200
    expect(panel(page)).to_contain_text(NO_BOOKMARKS)
    expect(header_count(page)).to_have_text("0")
    assert_no_navigation(page, live_server, "/bookmarks/")
    assert bookmarked_slugs() == []
    assert_quiet(watch)


# --- without JavaScript ----------------------------------------------------------------------


def test_vote_and_bookmark_without_javascript(open_page, live_server):
    page, watch = open_page(COMPARE_PATH, javascript=False)
    expect_community(page, MISTRAL, NO_VOTES, None)

    # Vote: the form posts, is sent back (303) to the widget, which shows the new state.
    widget_url = live_server.url + COMPARE_PATH + "#vote-mistral-3b"
    with (
        page.expect_navigation(url=widget_url),
        plain_post(page, "/tools/mistral-3b/vote/") as response,
    ):
        card_vote_button(page, MISTRAL, "ship").click()
    assert response.value.status == 303
    assert response.value.headers["location"] == COMPARE_PATH + "#vote-mistral-3b"
    assert response.value.request.headers.get("hx-request") is None
    page.wait_for_load_state("load")
    assert page.url == widget_url
    expect_community(page, MISTRAL, "100% ship · 1 vote", "ship")
    expect(community_widget(page, "mistral-3b").locator(".community__note")).to_have_text(
        "Counted: ship."
    )
    expect(community_widget(page, "mistral-3b")).to_be_in_viewport()
    expect_community(page, CODE_LLAMA, NO_VOTES, None)
    assert votes_on("mistral-3b") == ["ship"]

    # Bookmark: same round trip, back to the button; it and the header count show it.
    expect(header_count(page)).to_have_text("0")
    with (
        page.expect_navigation(url=live_server.url + COMPARE_PATH + "#bookmark-code-llama-4"),
        plain_post(page, "/tools/code-llama-4/bookmark/") as response,
    ):
        bookmark_button(page, CODE_LLAMA).click()
    assert response.value.status == 303
    page.wait_for_load_state("load")
    expect(bookmark_button(page, CODE_LLAMA)).to_have_attribute("aria-pressed", "true")
    expect(bookmark_button(page, CODE_LLAMA)).to_have_text("★ Bookmarked Code Llama 4")
    expect(header_count(page)).to_have_text("1")
    assert bookmarked_slugs() == ["code-llama-4"]

    # The header link leads to the bookmarks page, which lists the tool.
    with page.expect_navigation(url=live_server.url + "/bookmarks/"):
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Bookmarks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your bookmarks")
    expect(panel(page).get_by_role("link", name="Code Llama 4", exact=True)).to_be_visible()

    # Remove from the bookmarks page: back to /bookmarks/, now empty.
    with (
        page.expect_navigation(url=live_server.url + "/bookmarks/"),
        plain_post(page, "/tools/code-llama-4/bookmark/") as response,
    ):
        panel(page).get_by_role("button", name="Remove Code Llama 4").click()
    assert response.value.status == 303
    assert response.value.headers["location"] == "/bookmarks/"
    page.wait_for_load_state("load")
    expect(panel(page)).to_contain_text(NO_BOOKMARKS)
    expect(header_count(page)).to_have_text("0")
    assert bookmarked_slugs() == []

    # The vote survived all of that.
    page.goto(live_server.url + COMPARE_PATH)
    expect_community(page, MISTRAL, "100% ship · 1 vote", "ship")
    assert votes_on("mistral-3b") == ["ship"]
    assert_quiet(watch)


def test_without_javascript_the_bookmarks_panel_points_to_the_page(open_page):
    page, watch = open_page(COMPARE_PATH, javascript=False)
    panel = page.locator("#bookmarks-panel")
    expect(panel.get_by_text("Loading bookmarks")).to_be_hidden()
    expect(panel.get_by_role("link", name="your bookmarks page")).to_be_visible()
    assert not watch.console_errors
