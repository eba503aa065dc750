"""Fixtures for the browser suite: Debian's Chromium driven by Playwright against `live_server`.

Run with `DEBUG=true .venv/bin/pytest tests/browser -q`. Playwright's bundled browsers are never
used (no `playwright install`): the suite launches /usr/bin/chromium. Without it the suite skips,
except on CI (the CI environment variable is set), where a missing browser is a failure.
"""

from __future__ import annotations

import os

# Playwright's sync API runs an asyncio event loop in this thread, so Django would refuse ORM calls
# from the test thread (SynchronousOnlyOperation). Set before any test or fixture runs.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent

# Viewports a person actually uses: small phone, common phone, laptop.
VIEWPORTS = {
    "phone-360": {"width": 360, "height": 740},
    "phone-375": {"width": 375, "height": 812},
    "desktop-1280": {"width": 1280, "height": 800},
    "desktop-1440": {"width": 1440, "height": 900},
}

COMPARE_PATH = "/compare/code-llama-4-vs-mistral-3b/"


def pytest_collection_modifyitems(config, items):
    """Every test in this folder drives a real browser: mark it `browser`."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _missing_browser(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI is set, so the browser suite must run.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session; each test gets its own context (see `open_page`)."""
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        _missing_browser(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_browser("the playwright package is not installed (pip install -e '.[dev]')")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageWatch:
    """What the browser saw while a page was open: every request, failure and console error."""

    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser, live_server):
    """`open_page(path, viewport=..., color_scheme=..., javascript=True)` -> (page, watch).

    Defaults: viewport "desktop-1280", color_scheme "light", JavaScript on.

    Each call opens a fresh browser context (clean cookies, its own viewport) and navigates to
    `path` on the live server; the response must be 200. `javascript=False` opens the page as a
    visitor with JavaScript turned off. All contexts close after the test.
    """
    contexts = []

    def open_(
        path: str,
        viewport: str = "desktop-1280",
        color_scheme: str = "light",
        javascript: bool = True,
    ):
        context = browser.new_context(
            viewport=VIEWPORTS[viewport],
            color_scheme=color_scheme,
            service_workers="block",
            java_script_enabled=javascript,
        )
        context.set_default_timeout(5_000)
        contexts.append(context)
        page = context.new_page()
        watch = PageWatch()
        page.on("request", lambda request: watch.requests.append(request.url))
        page.on(
            "requestfailed",
            lambda request: watch.failed.append(f"{request.url} ({request.failure})"),
        )
        page.on(
            "response",
            lambda response: (
                watch.failed.append(f"{response.url} (HTTP {response.status})")
                if response.status >= 400
                else None
            ),
        )
        page.on(
            "console",
            lambda message: (
                watch.console_errors.append(f"{message.text} at {message.location}")
                if message.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: watch.console_errors.append(f"uncaught: {error}"))
        response = page.goto(live_server.url + path, wait_until="load")
        assert response is not None and response.status == 200, (
            f"GET {path} answered {response.status if response else 'nothing'}"
        )
        return page, watch

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def site_data(transactional_db, reference_pair, make_reviewed_tool):
    """The reference comparison (tests/conftest.py's `reference_pair`) plus two rivals.

    `live_server` serves from another thread, so the data must be committed: transactional_db.
    """
    code_llama, mistral = reference_pair
    category = code_llama.category
    rivals = [
        make_reviewed_tool(
            (70, "ship"),
            (45, "skip"),
            (62, "skip"),
            (71, "ship"),
            name="Pair Pilot",
            slug="pair-pilot",
            maker="Acme AI",
            category=category,
        ),
        make_reviewed_tool(name="Refactor Bot", slug="refactor-bot", category=category),
    ]
    return {"category": category, "code_llama": code_llama, "mistral": mistral, "rivals": rivals}
