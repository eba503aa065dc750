"""The comparison page as a person sees it on a phone and on a laptop."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import COMPARE_PATH

pytestmark = pytest.mark.usefixtures("site_data")

OVERFLOW_SCRIPT = """() => {
  const viewport = window.innerWidth;
  const culprits = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && (box.right > viewport + 0.5 || box.left < -0.5)) {
      const style = getComputedStyle(element);
      if (style.position === "absolute" || style.position === "fixed") continue;
      if (element.closest(".table-scroll") && !element.matches(".table-scroll")) continue;
      culprits.push(element.tagName.toLowerCase()
        + (element.id ? "#" + element.id : "")
        + (element.className && typeof element.className === "string"
            ? "." + element.className.trim().split(/\\s+/).join(".") : "")
        + " right=" + Math.round(box.right));
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: viewport,
    culprits: culprits.slice(0, 10),
  };
}"""


PHONE = 812  # the height of the phone-375 viewport: one screen
# Reviews as long as the demo's (about 700 characters): a page height measured with one-line
# test reviews would say nothing.
LONG_TAKE = (
    "The first sentence says what the critic thinks in a dozen words or so. "
    + "Then the reasoning goes on for a while, weighing the trade-offs a team would meet "
    "in its first month with the tool, what breaks, what it costs and who it suits. " * 4
)


@pytest.fixture
def long_reviews(site_data):
    from verdicts.models import Review

    Review.objects.filter(tool__in=[site_data["code_llama"], site_data["mistral"]]).update(
        body=LONG_TAKE
    )


@pytest.mark.parametrize("viewport", ["phone-360", "phone-375", "desktop-1280"])
def test_compare_page_fits_the_viewport_and_shows_the_verdict(open_page, viewport):
    page, _ = open_page(COMPARE_PATH, viewport)

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Code Llama 4")
    expect(heading).to_contain_text("Mistral 3B")
    expect(page.get_by_role("heading", name="Panel pick: Mistral 3B")).to_be_in_viewport()

    layout = page.evaluate(OVERFLOW_SCRIPT)
    assert layout["scrollWidth"] <= layout["innerWidth"], (
        f"the page scrolls sideways at {viewport}: scrollWidth {layout['scrollWidth']} > "
        f"innerWidth {layout['innerWidth']}; elements past the right edge: {layout['culprits']}"
    )


def test_the_first_phone_screen_shows_every_tool_its_verdict_average_and_price(open_page):
    page, _ = open_page(COMPARE_PATH, "phone-375")
    heads = page.locator(".versus__tool")
    expect(heads).to_have_count(2)
    boxes = [heads.nth(index).bounding_box() for index in range(2)]
    expected = [("Code Llama 4", "75"), ("Mistral 3B", "82")]
    for index, (name, average) in enumerate(expected):
        head, box = heads.nth(index), boxes[index]
        assert box["y"] + box["height"] <= PHONE, f"{name} is below the first screen: {box}"
        expect(head).to_contain_text(name)
        expect(head).to_contain_text("Ship")
        expect(head).to_contain_text(f"{average}/100")
        expect(head).to_contain_text("Free")
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 1, "the tools should sit side by side"


def test_the_tool_heads_stay_pinned_while_scrolling(open_page):
    page, _ = open_page(COMPARE_PATH, "phone-375")
    page.locator("#facts-title").scroll_into_view_if_needed()
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(100)
    box = page.locator(".versus").bounding_box()
    assert abs(box["y"]) < 1, f"the tool heads should be pinned at the top, not at {box['y']}"


@pytest.fixture
def labelled_facts(site_data):
    """Every fact of both tools carries how it was checked, as on the demo's pages: the
    tallest labels (a maker's claim, a stale check) included."""
    from tests.trust.conftest import FactCheckFactory, days_ago
    from trust.models import Fact, FactCheck

    for tool in (site_data["code_llama"], site_data["mistral"]):
        FactCheckFactory(tool=tool, fact=Fact.PRICING, basis=FactCheck.Basis.CLAIMED)
        FactCheckFactory(tool=tool, fact=Fact.LICENCE, checked_on=days_ago(200))
        FactCheckFactory(tool=tool, fact=Fact.MAKER)


@pytest.mark.usefixtures("long_reviews", "labelled_facts")
def test_a_two_tool_page_with_four_critics_is_at_most_five_phone_screens(open_page):
    page, _ = open_page(COMPARE_PATH, "phone-375")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 5 * PHONE, f"{height} px is {height / PHONE:.1f} screens at 375 px"


@pytest.mark.parametrize("viewport", ["phone-360", "phone-375"])
@pytest.mark.parametrize(
    "path",
    [
        "/compare/code-llama-4-vs-mistral-3b-vs-pair-pilot/",
        "/compare/code-llama-4-vs-mistral-3b-vs-pair-pilot-vs-refactor-bot/",
    ],
)
def test_three_and_four_tool_pages_never_scroll_sideways(open_page, path, viewport):
    page, _ = open_page(path, viewport)
    layout = page.evaluate(OVERFLOW_SCRIPT)
    assert layout["scrollWidth"] == layout["innerWidth"], (
        f"{path} scrolls sideways at {viewport}: {layout['scrollWidth']} px wide; "
        f"{layout['culprits']}"
    )


def test_one_vote_widget_per_tool(open_page):
    page, _ = open_page("/compare/code-llama-4-vs-mistral-3b-vs-pair-pilot/", "phone-375")
    expect(page.locator("form.vote-form")).to_have_count(3)
    expect(page.get_by_role("button", name="Ship Mistral 3B", exact=True)).to_have_count(1)


@pytest.mark.parametrize("viewport", ["phone-375", "desktop-1280"])
def test_a_vote_moves_nothing_on_the_page(open_page, viewport):
    page, _ = open_page(COMPARE_PATH, viewport)
    widget = page.locator(".community-mistral-3b")
    where = "() => document.querySelector('#facts-title').getBoundingClientRect().top + scrollY"
    before_widget, before_after = widget.bounding_box(), page.evaluate(where)
    page.get_by_role("button", name="Ship Mistral 3B", exact=True).click()
    expect(widget.locator(".community__mine")).to_contain_text("You voted Ship · Undo")
    expect(page.locator(".community-mistral-3b .community__note")).to_have_text("Counted: ship.")
    now_widget, now_after = widget.bounding_box(), page.evaluate(where)
    assert now_widget["height"] == before_widget["height"], (before_widget, now_widget)
    assert now_after == before_after, "the section after the votes moved"
    # Every button, pressed or not, holds a four-digit count without clipping (with three
    # digits the pressed one's check mark was cut off at desktop widths once).
    clipped = page.evaluate(
        "() => [...document.querySelectorAll('.button--vote')].filter(b => {"
        "  b.querySelector('.count').textContent = '4,321';"
        "  return b.scrollWidth > b.clientWidth; }).map(b => b.id)"
    )
    assert clipped == []
