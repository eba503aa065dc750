"""Report an error, as a reader does it: two clicks from the tool page, with htmx in place and
without JavaScript through a thank-you page; a mistake is named on its field."""

from __future__ import annotations

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from trust.models import Correction, FactCheck

pytestmark = pytest.mark.usefixtures("site_data")

TOOL = "/tools/code-llama-4/"


def fill_and_send(page, *, what: str) -> None:
    page.get_by_label("Which fact is wrong?").select_option("pricing")
    page.get_by_label("What is wrong?").fill(what)
    page.get_by_label("Source (optional)").fill("https://www.llama.com/pricing")
    page.get_by_role("button", name="Send the report").click()


def test_with_htmx_the_form_turns_into_its_result_in_place(open_page):
    page, watch = open_page(TOOL)
    page.get_by_role("link", name="Report an error on Code Llama 4").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report an error on Code Llama 4")
    form_address = page.url
    page.get_by_role("button", name="Send the report").click()  # nothing filled in
    expect(page.locator("#fact-error")).to_contain_text("Choose the fact that is wrong")
    expect(page.locator("#what_is_wrong-error")).to_be_visible()
    assert not Correction.objects.exists()
    fill_and_send(page, what="The entry price is $25/mo now.")
    expect(page.get_by_role("heading", name="your report is with the editors")).to_be_visible()
    assert page.url == form_address  # swapped in place, no navigation
    assert Correction.objects.get().what_is_wrong == "The entry price is $25/mo now."
    # The refused first try answered 400, which the browser logs; nothing else went wrong.
    assert [error for error in watch.console_errors if "status of 400" not in error] == []
    assert [failure for failure in watch.failed if "HTTP 400" not in failure] == []


def test_without_javascript_it_posts_and_lands_on_a_thank_you_page(open_page):
    page, _watch = open_page(TOOL, viewport="phone-375", javascript=False)
    page.get_by_role("link", name="Report an error on Code Llama 4").click()
    fill_and_send(page, what="The licence changed in November.")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you: your report is with the editors"
    )
    assert page.url.endswith("/report-an-error/thanks/")
    assert Correction.objects.get().fact == "pricing"


@pytest.fixture
def checked_facts(site_data):
    """A maker's claim and a stale check on the tool page."""
    tool = site_data["code_llama"]
    FactCheck.objects.create(
        tool=tool, fact="pricing", basis="claimed", source_url="https://www.llama.com/pricing"
    )
    FactCheck.objects.create(
        tool=tool,
        fact="licence",
        checked_on=timezone.localdate() - datetime.timedelta(days=200),
        source_url="https://www.llama.com/licence",
    )


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_axe_finds_nothing_wrong_with_the_labels_or_the_refused_form(
    open_page, checked_facts, color_scheme
):
    axe = Axe()
    page, _ = open_page(TOOL, "phone-375", color_scheme)
    expect(page.get_by_text("Claimed by the maker")).to_be_visible()
    expect(page.get_by_text("may be out of date")).to_be_visible()
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
    page.get_by_role("link", name="Report an error on Code Llama 4").click()
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator("#fact-error")).to_be_visible()
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
