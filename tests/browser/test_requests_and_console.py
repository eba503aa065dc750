"""Pages load only from our own origin and log no errors (CSP violations log as errors)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import COMPARE_PATH

pytestmark = pytest.mark.usefixtures("site_data")

PAGES = {
    "home": "/",
    "tool": "/tools/code-llama-4/",
    "compare": COMPARE_PATH,
    "category": "/categories/developer-tools/",
    "reviewer": "/reviewers/builder/",
}


@pytest.mark.parametrize("page_name", PAGES)
def test_page_is_self_contained_and_quiet(open_page, live_server, page_name):
    page, watch = open_page(PAGES[page_name], "desktop-1280")
    page.wait_for_load_state("networkidle")

    own = live_server.url + "/"
    assert live_server.url + PAGES[page_name] in watch.requests, "the request listener saw nothing"
    third_party = [
        url for url in watch.requests if not (url.startswith(own) or url.startswith("data:"))
    ]
    assert not third_party, f"requests to other origins from {PAGES[page_name]}: {third_party}"
    assert not watch.failed, f"failed requests from {PAGES[page_name]}: {watch.failed}"
    assert not watch.console_errors, f"console errors on {PAGES[page_name]}: {watch.console_errors}"
