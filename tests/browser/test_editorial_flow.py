"""The editorial workflow in Chromium, as editors use it: a draft with two of four reviews,
previewed, scheduled, live at its time; a verdict flipped with a reason and shown in the
dated history and the feed; two editors on one tool get a conflict message, not an overwrite."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from tools.models import Tool
from verdicts.models import Review

PASSWORD = "pw-for-browser-tests-only"
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def editor(browser, live_server, transactional_db):
    """`editor("ed")`: a browser page signed in to the admin as a member of Editors."""
    contexts = []

    def sign_in(username: str):
        user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name="Editors"))
        context = browser.new_context(viewport=DESKTOP, service_workers="block")
        context.set_default_timeout(8_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server.url + "/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        return page

    yield sign_in
    for context in contexts:
        context.close()


def save(page) -> None:
    """Press "Save and continue editing" and wait for the answer."""
    with page.expect_navigation():
        page.click("input[name=_continue]")


@pytest.fixture
def visitor(browser):
    context = browser.new_context(viewport=DESKTOP, service_workers="block")
    yield context.new_page()
    context.close()


def test_draft_preview_schedule_go_live_flip_with_reason_and_conflict(
    editor, visitor, live_server, reference_pair
):
    url = live_server.url
    ed = editor("ed")

    # A new tool starts as a draft; two of the four pre-filled review rows are written.
    ed.goto(url + "/admin/tools/tool/add/")
    assert ed.locator("#id_status").input_value() == "draft"
    ed.fill("#id_name", "Devstral Small")
    ed.locator("#id_name").press("Tab")
    assert ed.locator("#id_slug").input_value() == "devstral-small"  # filled from the name
    ed.fill("#id_maker", "Mistral AI")
    category = reference_pair[1].category
    ed.evaluate(
        "([pk, name]) => document.querySelector('#id_category')"
        ".add(new Option(name, pk, true, true))",
        [str(category.pk), category.name],
    )
    ed.fill("#id_tagline", "Open coding-agent model for one workstation GPU")
    ed.fill("#id_description", "An open-weight model tuned for software-engineering agents.")
    ed.select_option("#id_pricing_model", "open_source")
    ed.fill("#id_entry_price", "Free")
    for row, (score, verdict, body) in enumerate(
        [
            ("79", "ship", "Finds the right files without a map."),
            ("61", "skip", "Stalls on long refactors."),
        ]
    ):
        ed.fill(f"#id_reviews-{row}-score", score)
        ed.select_option(f"#id_reviews-{row}-verdict", verdict)
        ed.fill(f"#id_reviews-{row}-body", body)
    save(ed)
    assert "was added successfully" in ed.content(), ed.locator("#content").inner_text()[:1500]
    tool = Tool.objects.get(slug="devstral-small")
    assert (tool.status, tool.reviews.count()) == ("draft", 2)

    # Preview: the staff see the draft in a comparison, with the banner; visitors get 404.
    preview = url + "/preview/compare/devstral-small-vs-mistral-3b/"
    ed.goto(preview)
    assert "Only staff see this page" in ed.content()
    assert ed.get_by_role("heading", level=1).inner_text().startswith("Devstral Small")
    assert visitor.goto(preview).status == 404
    assert visitor.goto(url + "/tools/devstral-small/").status == 404

    # Scheduled a few seconds ahead: still hidden, then live at its time, with no worker.
    ed.goto(url + f"/admin/tools/tool/{tool.pk}/change/")
    due = timezone.localtime() + timedelta(seconds=6)
    ed.select_option("#id_status", "scheduled")
    ed.fill("#id_published_at_0", due.strftime("%Y-%m-%d"))
    ed.fill("#id_published_at_1", due.strftime("%H:%M:%S"))
    save(ed)
    assert "was changed successfully" in ed.content()
    assert visitor.goto(url + "/tools/devstral-small/").status == 404
    time.sleep(max(0.0, (due - timezone.localtime()).total_seconds()) + 1.5)
    assert visitor.goto(url + "/tools/devstral-small/").status == 200
    assert visitor.goto(url + "/compare/devstral-small-vs-mistral-3b/").status == 200

    # A verdict flip needs a reason; with one, the dated history shows it, and so does the feed.
    review = Review.objects.get(tool=tool, reviewer__slug="skeptic")
    ed.goto(url + f"/admin/tools/tool/{tool.pk}/change/")
    row = ed.locator(f"input[name$='-id'][value='{review.pk}']").get_attribute("name").split("-")[1]
    ed.fill(f"#id_reviews-{row}-score", "75")
    ed.select_option(f"#id_reviews-{row}-verdict", "ship")
    save(ed)
    assert "Say why" in ed.content() and "may still argue for Skip" in ed.content()
    ed.fill(f"#id_reviews-{row}-reason", "The 2.1 release finished every long refactor we tried.")
    ed.check(f"#id_reviews-{row}-text_checked")  # the paragraph still holds, as written
    save(ed)
    assert "was changed successfully" in ed.content()
    visitor.goto(url + "/tools/devstral-small/")
    history = visitor.locator("#verdict-history").inner_text()
    assert "The Skeptic" in history and "skip → ship (61 → 75)" in history
    assert "The 2.1 release finished every long refactor we tried." in history
    assert timezone.localdate().strftime("%-d %b %Y") in history
    feed = visitor.goto(url + "/feeds/verdicts/").text()
    assert "The Skeptic on Devstral Small: changed, skip → ship" in feed

    # Two editors on one tool: each sees the other has it open; the second save from an older
    # form is refused and comes back merged; saving again keeps both.
    bea = editor("bea")
    ed.goto(url + f"/admin/tools/tool/{tool.pk}/change/")
    bea.goto(url + f"/admin/tools/tool/{tool.pk}/change/")
    assert "ed has this open since" in bea.locator("#presence").inner_text()
    bea.fill("#id_tagline", "Bea's sharper tagline")
    bea.fill("#id_description", "Bea rewrote the description.")
    save(bea)
    assert "was changed successfully" in bea.content()
    ed.fill("#id_maker", "Mistral AI (Paris)")
    ed.fill("#id_description", "Ed rewrote the description too.")
    save(ed)
    message = ed.locator(".errorlist.nonfield").first.inner_text()
    assert "Not saved: this was changed after you opened it." in message and "bea" in message
    assert ed.locator("#id_maker").input_value() == "Mistral AI (Paris)"  # ed's input kept
    assert ed.locator("#id_tagline").input_value() == "Bea's sharper tagline"  # bea's merged in
    clash = ed.locator(".field-description .errorlist").inner_text()
    assert "Bea rewrote the description." in clash and "Ed rewrote the description too." in clash
    tool.refresh_from_db()
    assert (tool.tagline, tool.maker) == ("Bea's sharper tagline", "Mistral AI")
    save(ed)  # deliberately: ed's description over bea's, the rest as merged
    assert "was changed successfully" in ed.content()
    tool.refresh_from_db()
    assert (tool.tagline, tool.maker, tool.description) == (
        "Bea's sharper tagline",
        "Mistral AI (Paris)",
        "Ed rewrote the description too.",
    )
