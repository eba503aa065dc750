"""The header search's suggestions, reached with the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.usefixtures("site_data")


def test_arrow_keys_move_through_the_suggestions(open_page):
    page, watch = open_page("/")
    search = page.locator("#header-q")
    search.fill("code")
    suggestions = page.locator("#header-suggestions a")
    expect(suggestions.first).to_contain_text("Code Llama 4")  # and its maker
    count = suggestions.count()
    assert count >= 2  # the tool, then "All results for ..."

    search.press("ArrowDown")
    expect(suggestions.nth(0)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(suggestions.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(suggestions.nth(0)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(search).to_be_focused()
    page.keyboard.press("Escape")
    expect(suggestions).to_have_count(0)
    assert not watch.console_errors, watch.console_errors
