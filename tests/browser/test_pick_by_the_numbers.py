"""Comparisons of real models nobody reviewed, as a visitor sees them on a phone and a laptop:
the pick by the numbers on the first screen, the prices within two, names never broken inside
a word on 3- and 4-model pages, a short pinned strip, and a calculator a use fills."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.test_compare_layout import OVERFLOW_SCRIPT, PHONE

TWO = "/compare/claude-sonnet-4-6-vs-gpt-5-5/"
FOUR = "/compare/claude-sonnet-4-6-vs-deepseek-v4-flash-vs-gpt-5-5-vs-llama-3-3-70b-instruct/"
THREE = "/compare/deepseek-v4-flash-vs-gemini-2-5-flash-vs-mistral-small-2603/"

# Whether any word of these elements' text is split over two lines: a word's range has more
# than one line box when the browser broke it inside.
BROKEN_WORDS = """(selector) => {
  const broken = [];
  for (const element of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /[^\\s]+/g;
      let match;
      while ((match = re.exec(node.textContent))) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (tops.size > 1 && !/[-/]/.test(match[0])) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


@pytest.fixture
def models(transactional_db):
    call_command(
        "import_models_dev",
        "--publish",
        *[
            argument
            for model in (
                "openai/gpt-5.5",
                "anthropic/claude-sonnet-4-6",
                "deepseek/deepseek-v4-flash",
                "llama/llama-3.3-70b-instruct",
                "google/gemini-2.5-flash",
                "mistral/mistral-small-2603",
            )
            for argument in ("--model", model)
        ],
        verbosity=0,
    )


@pytest.mark.usefixtures("models")
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_pick_is_on_the_first_phone_screen_and_prices_within_two(open_page, color_scheme):
    page, watch = open_page(TWO, "phone-375", color_scheme=color_scheme)
    strip = page.locator(".verdict-strip")
    expect(strip.get_by_role("heading", level=2)).to_have_text("By the numbers: Claude Sonnet 4.6")
    coding = strip.get_by_role("listitem").filter(has_text="Coding agent")
    expect(coding).to_contain_text(
        "Claude Sonnet 4.6, $2,250 a month, 44% less than GPT-5.5 ($4,000)."
    )
    pick_bottom = page.evaluate(
        "document.querySelector('.verdict-strip h2').getBoundingClientRect().bottom"
    )
    assert pick_bottom <= PHONE, f"the pick ends at {pick_bottom} px"
    prices = page.get_by_role("row", name="Input, per 1M tokens")
    top = prices.evaluate("(row) => row.getBoundingClientRect().top + window.scrollY")
    print(f"{TWO} at 375 px: the prices' row starts at {top} px")  # reported with -s
    assert top <= 2 * PHONE, f"the prices start {top} px down"
    assert page.locator(".matrix").count() == 0  # no empty critics' table
    layout = page.evaluate(OVERFLOW_SCRIPT)
    assert layout["scrollWidth"] <= layout["innerWidth"], layout["culprits"]
    assert not watch.console_errors


@pytest.mark.usefixtures("models")
@pytest.mark.parametrize("path", [THREE, FOUR])
@pytest.mark.parametrize("viewport", ["phone-360", "phone-375", "desktop-1440"])
def test_three_and_four_models_never_break_a_word_nor_overflow(open_page, path, viewport):
    page, _ = open_page(path, viewport)
    assert page.evaluate(BROKEN_WORDS, ".versus__name, .versus span, .decision th") == []
    strip = page.evaluate("document.querySelector('.versus').getBoundingClientRect().height")
    assert strip <= 120, f"the pinned strip is {strip} px tall"
    layout = page.evaluate(OVERFLOW_SCRIPT)
    assert layout["scrollWidth"] <= layout["innerWidth"], layout["culprits"]


@pytest.mark.usefixtures("models")
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_a_four_way_page_names_the_pick_and_the_ones_that_do_not_qualify(open_page, color_scheme):
    page, _ = open_page(FOUR, "desktop-1440", color_scheme=color_scheme)
    strip = page.locator(".verdict-strip")
    expect(strip).to_contain_text("By the numbers: DeepSeek V4 Flash")
    expect(strip).to_contain_text(
        "Llama-3.3-70B-Instruct does not qualify: 128K context, needs 200K."
    )
    expect(strip).to_contain_text("Llama-3.3-70B-Instruct has no published price.")


@pytest.mark.usefixtures("models")
def test_choosing_a_use_fills_the_boxes_without_javascript(open_page):
    page, _ = open_page(TWO, "phone-375", javascript=False)
    page.get_by_label("Input tokens a month").fill("7")
    page.get_by_label("Typical use").select_option(label="Coding agent, 10K tasks a month")
    page.get_by_role("button", name="Fill in its numbers").click()
    expect(page.get_by_label("Input tokens a month")).to_have_value("500M")
    expect(page.get_by_label("Output tokens a month")).to_have_value("50M")
    expect(page.locator("#cost-result")).to_contain_text("Claude Sonnet 4.6: $2,250.00 a month")


@pytest.mark.usefixtures("models")
def test_choosing_a_use_fills_the_boxes_in_place_and_typed_counts_work(open_page):
    page, watch = open_page(TWO, "desktop-1280")
    page.get_by_label("Typical use").select_option(label="Chat app, 1M messages a month")
    expect(page.get_by_label("Input tokens a month")).to_have_value("1B")
    expect(page.locator("#cost-result")).to_contain_text("Claude Sonnet 4.6: $7,500.00 a month")
    assert page.url.endswith(TWO)  # in place
    page.get_by_label("Input tokens a month").fill("50M")
    page.get_by_label("Output tokens a month").fill("10m")
    page.get_by_role("button", name="Work it out").click()
    result = page.locator("#cost-result")
    expect(result).to_contain_text("Claude Sonnet 4.6: $300.00 a month")
    expect(result).to_contain_text("GPT-5.5: $550.00 a month ($250.00 more, 83% more)")
    page.get_by_label("Output tokens a month").fill("1,5M")
    page.get_by_role("button", name="Work it out").click()
    expect(result).to_contain_text("Output tokens a month: enter a number of tokens")
    assert not watch.console_errors


@pytest.mark.usefixtures("models")
def test_the_coding_agent_job_from_the_home_page(open_page):
    """Home -> "Coding agent" -> the visitor's volume -> the comparison that names the pick:
    four actions. Then the same job's answer on the finder itself."""
    page, _ = open_page("/", "phone-375")
    page.get_by_role("link", name="Coding agent").click()  # 1
    page.get_by_label("Input tokens a month").fill("50M")  # 2
    page.get_by_label("Output tokens a month").fill("10M")  # 3
    page.get_by_role("button", name="Compare the 4 cheapest").click()  # 4
    expect(page.locator(".finder__answer")).to_contain_text(
        "The pick for this traffic: DeepSeek V4 Flash, $9.80 a month"
    )
    assert "/cost/?input_tokens=50M&output_tokens=10M" in page.url

    page.go_back()
    page.get_by_label("Input tokens a month").fill("50M")
    page.get_by_label("Output tokens a month").fill("10M")
    page.get_by_label("Output under, $ per 1M").fill("15")
    page.get_by_role("button", name="Find models").click()
    answer = page.locator(".finder__answer")
    expect(answer).to_contain_text(
        "For your job (tool calling, 200K+ context, output under $15, 50M input + 10M output "
        "tokens a month): DeepSeek V4 Flash, $9.80 a month; next, Mistral Small 4 at $13.50"
    )
    assert answer.evaluate("(p) => p.getBoundingClientRect().bottom") <= PHONE
