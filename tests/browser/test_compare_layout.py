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


@pytest.mark.parametrize("viewport", ["phone-360", "phone-375", "desktop-1280"])
def test_compare_page_fits_the_viewport_and_shows_the_verdicts(open_page, viewport):
    page, _ = open_page(COMPARE_PATH, viewport)

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Code Llama 4")
    expect(heading).to_contain_text("Mistral 3B")
    expect(page.get_by_text("Ship · 3 ship / 1 skip").filter(visible=True).first).to_be_visible()

    layout = page.evaluate(OVERFLOW_SCRIPT)
    assert layout["scrollWidth"] <= layout["innerWidth"], (
        f"the page scrolls sideways at {viewport}: scrollWidth {layout['scrollWidth']} > "
        f"innerWidth {layout['innerWidth']}; elements past the right edge: {layout['culprits']}"
    )


def _card_boxes(page):
    cards = page.locator("article.tool-card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("Code Llama 4")
    expect(cards.nth(1)).to_contain_text("Mistral 3B")
    return cards.nth(0).bounding_box(), cards.nth(1).bounding_box()


def test_tool_cards_stack_on_a_phone(open_page):
    page, _ = open_page(COMPARE_PATH, "phone-375")
    first, second = _card_boxes(page)
    assert second["y"] >= first["y"] + first["height"] - 0.5, (
        f"at 375px the second card should sit below the first: first {first}, second {second}"
    )


def test_tool_cards_sit_side_by_side_on_a_laptop(open_page):
    page, _ = open_page(COMPARE_PATH, "desktop-1280")
    first, second = _card_boxes(page)
    assert abs(first["y"] - second["y"]) < 1, (
        f"at 1280px both cards should share a top edge: first {first}, second {second}"
    )
    assert second["x"] >= first["x"] + first["width"] - 0.5, (
        f"at 1280px the second card should be right of the first: first {first}, second {second}"
    )
