"""A comparison of two real language models (imported from the installed models.dev snapshot)
as a person sees it on a phone: prices side by side and the cost calculator."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.test_compare_layout import OVERFLOW_SCRIPT, PHONE

PATH = "/compare/claude-sonnet-4-6-vs-gpt-5-5/"


@pytest.fixture
def models(transactional_db):
    call_command(
        "import_models_dev",
        "--publish",
        "--model",
        "openai/gpt-5.5",
        "--model",
        "anthropic/claude-sonnet-4-6",
        verbosity=0,
    )


@pytest.mark.usefixtures("models")
def test_a_model_comparison_fits_five_phone_screens_without_sideways_scrolling(open_page):
    page, watch = open_page(PATH, "phone-375")
    expect(page.get_by_role("row", name="Input, per 1M tokens")).to_contain_text("Cheaper")
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"{PATH} at 375 px: {height} px")  # reported with -s
    assert height <= 5 * PHONE, f"{height} px is {height / PHONE:.1f} screens at 375 px"
    layout = page.evaluate(OVERFLOW_SCRIPT)
    assert layout["scrollWidth"] <= layout["innerWidth"], layout["culprits"]
    assert not watch.console_errors


@pytest.mark.usefixtures("models")
def test_the_calculator_answers_in_place(open_page):
    page, watch = open_page(PATH, "phone-375")
    page.get_by_label("Typical use").select_option("chat")
    page.get_by_role("button", name="Work it out").click()
    result = page.locator("#cost-result")
    expect(result).to_contain_text("Claude Sonnet 4.6 is cheaper")
    expect(result).to_contain_text("$7,500.00")
    assert page.url.endswith(PATH)  # no navigation: htmx swapped the result in
    # The swap settles before the next input (on a loaded machine a box typed into before
    # that could be replaced by the answer's copy).
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')"
    )
    page.get_by_label("Input tokens a month").fill("-3")
    page.get_by_role("button", name="Work it out").click()
    expect(result).to_contain_text("cannot be negative")
    assert not watch.console_errors


@pytest.mark.usefixtures("models")
def test_the_calculator_works_without_javascript(open_page):
    page, _ = open_page(PATH, "phone-375", javascript=False)
    page.get_by_label("Typical use").select_option("chat")
    page.get_by_role("button", name="Work it out").click()
    expect(page.locator("#cost-result")).to_contain_text("Claude Sonnet 4.6 is cheaper")
    assert "/cost/?preset=chat" in page.url


@pytest.mark.usefixtures("models")
@pytest.mark.parametrize(
    "path",
    [PATH, "/tools/gpt-5-5/", PATH + "cost/?preset=chat"],
)
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_model_pages(open_page, path, color_scheme):
    page, _ = open_page(path, "phone-375", color_scheme)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
