"""axe-core finds nothing wrong, and the keyboard path into the page works."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import COMPARE_PATH

pytestmark = pytest.mark.usefixtures("site_data")

PAGES = {
    "home": "/",
    "tool": "/tools/code-llama-4/",
    "compare": COMPARE_PATH,
    "category": "/categories/developer-tools/",
    "reviewer": "/reviewers/builder/",
}
# (viewport, colour scheme): the site declares `color-scheme: light dark` and has a dark palette.
MODES = {
    "phone-light": ("phone-375", "light"),
    "desktop-light": ("desktop-1280", "light"),
    "desktop-dark": ("desktop-1280", "dark"),
}


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("page_name", PAGES)
def test_axe_finds_no_violations(open_page, axe, page_name, mode):
    viewport, color_scheme = MODES[mode]
    page, _ = open_page(PAGES[page_name], viewport, color_scheme)
    results = axe.run(page)
    assert results.violations_count == 0, (
        f"{PAGES[page_name]} at {viewport} ({color_scheme}):\n{results.generate_report()}"
    )


@pytest.mark.parametrize("viewport", ["phone-375", "desktop-1280"])
def test_first_tab_reaches_a_visible_skip_link(open_page, live_server, viewport):
    page, _ = open_page(COMPARE_PATH, viewport)

    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_count(1)
    expect(focused).to_have_text("Skip to content")
    expect(focused).to_have_attribute("href", "#main")
    expect(focused).to_be_visible()
    expect(focused).to_be_in_viewport(ratio=1)
    box = focused.bounding_box()
    width = page.evaluate("window.innerWidth")
    assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["y"] >= 0, (
        f"the focused skip link is not fully on screen: {box} in a {width}px viewport"
    )

    # Following it jumps to the main content: the next Tab lands inside <main>, past the header.
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}{COMPARE_PATH}#main")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main#main') !== null"), (
        "after following the skip link, Tab should move into <main>, not "
        + page.evaluate("document.activeElement.outerHTML")
    )
