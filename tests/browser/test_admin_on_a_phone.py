"""An editor edits a tool's panel on a 375 px phone: each review is a stacked block that fits."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from tests.browser.conftest import VIEWPORTS
from tests.browser.test_compare_layout import OVERFLOW_SCRIPT

PASSWORD = "pw-for-browser-tests-only"


@pytest.fixture
def editor_page(browser, live_server, transactional_db):
    """A phone-sized page signed in to the admin as a member of Editors."""
    user = User.objects.create_user("ed", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    context = browser.new_context(viewport=VIEWPORTS["phone-375"], service_workers="block")
    context.set_default_timeout(5_000)
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "ed")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    yield page
    context.close()


def test_the_review_inline_stacks_within_a_phone_screen(editor_page, live_server, reference_pair):
    tool = reference_pair[0]
    response = editor_page.goto(f"{live_server.url}/admin/tools/tool/{tool.pk}/change/")
    assert response.status == 200
    layout = editor_page.evaluate(OVERFLOW_SCRIPT)
    assert layout["scrollWidth"] <= 375, layout["culprits"]
    assert layout["culprits"] == []  # nothing sticks out, not even inside a scrolling box
    reviews = editor_page.locator("#reviews-group .inline-related:not(.empty-form)")
    assert reviews.count() == 4
    for index in range(4):
        block = reviews.nth(index)
        box = block.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
        score = block.locator("input[type=number][name$='-score']")
        assert score.is_visible()
        score_box = score.bounding_box()
        assert score_box["x"] + score_box["width"] <= 375
    # The critic's own page is theirs to keep: no add or change links beside the choice.
    assert (
        editor_page.locator("#reviews-group .add-related, #reviews-group .change-related").count()
        == 0
    )
