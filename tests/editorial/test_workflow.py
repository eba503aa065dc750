"""The editorial workflow: no lost updates, partial panels, drafts, scheduling, preview,
revisions with reasons, the public verdict history, slug redirects, errors on their fields."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsletter.digest import build_content
from tests.admin_forms import form_data
from tests.conftest import sign_in_verified
from tests.core.test_sitemap_and_feed import sitemap_urls
from tests.factories import ReviewerFactory, ReviewFactory, ToolFactory
from tools.models import Tool
from verdicts.models import Review, VerdictChange

pytestmark = pytest.mark.django_db


def staff(username: str) -> Client:
    user = User.objects.create_superuser(username, f"{username}@example.com", "pw-for-tests-only")
    client = Client()
    sign_in_verified(client, user)
    return client


def change_url(tool: Tool) -> str:
    return reverse("admin:tools_tool_change", args=[tool.pk])


def errors_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- No lost updates -----------------------------------------------------------------------


def test_a_stale_form_cannot_overwrite_a_newer_save_of_the_tool(alice, bob, reference_pair):
    tool = reference_pair[0]
    stale = form_data(alice.get(change_url(tool)))
    fresh = form_data(bob.get(change_url(tool)))
    fresh["tagline"] = "Bob's sharper tagline"
    assert bob.post(change_url(tool), fresh).status_code == 302

    stale["maker"] = "Meta Platforms"
    response = alice.post(change_url(tool), stale)
    assert response.status_code == 200
    page = errors_of(response)
    assert "Not saved: this was changed after you opened it." in page
    assert "bob" in page and "best for" in page.lower()
    assert "Meta Platforms" in page  # alice's input is still on the form
    tool.refresh_from_db()
    assert (tool.tagline, tool.maker) == ("Bob's sharper tagline", "Meta")


def test_a_stale_form_cannot_revert_a_colleagues_verdict_flip(alice, bob, reference_pair):
    tool = reference_pair[0]
    review = Review.objects.get(tool=tool, reviewer__slug="builder")
    stale = form_data(alice.get(change_url(tool)))
    # Bob flips the verdict from the review's own page, with a reason.
    url = reverse("admin:verdicts_review_change", args=[review.pk])
    flip = form_data(bob.get(url))
    flip.update(
        {"score": "45", "verdict": "skip", "reason": "The licence changed.", "text_checked": "on"}
    )
    assert bob.post(url, flip).status_code == 302

    stale["description"] = stale["description"] + " (typo fixed)"
    response = alice.post(change_url(tool), stale)
    assert response.status_code == 200
    page = errors_of(response)
    assert "bob" in page and "The Builder&#x27;s review" in page and "score “84” → “45”" in page
    review.refresh_from_db()
    assert (review.score, review.verdict) == (45, "skip")


def test_after_the_conflict_a_deliberate_second_save_goes_through(alice, bob, reference_pair):
    tool = reference_pair[0]
    stale = form_data(alice.get(change_url(tool)))
    fresh = form_data(bob.get(change_url(tool)))
    fresh["tagline"] = "Bob's tagline"
    bob.post(change_url(tool), fresh)
    stale["tagline"] = "Alice's tagline, merged with Bob's"
    refused = alice.post(change_url(tool), stale)
    assert refused.status_code == 200
    again = form_data(refused)  # the form as shown again, with a new "opened" time
    assert alice.post(change_url(tool), again).status_code == 302
    tool.refresh_from_db()
    assert tool.tagline == "Alice's tagline, merged with Bob's"


def test_untouched_review_rows_are_not_saved_again(alice, reference_pair):
    tool = reference_pair[0]
    before = {r.pk: r.updated_at for r in tool.reviews.all()}
    history = Review.history.filter(tool_id=tool.pk).count()
    data = form_data(alice.get(change_url(tool)))
    data["tagline"] = "Only the tagline changes"
    assert alice.post(change_url(tool), data).status_code == 302
    assert {r.pk: r.updated_at for r in tool.reviews.all()} == before
    assert Review.history.filter(tool_id=tool.pk).count() == history


# --- Partial panels --------------------------------------------------------------------------


def test_a_tool_saves_with_one_of_four_reviews_and_with_a_fifth_critic_added(
    alice, make_reviewed_tool, panel
):
    tool = make_reviewed_tool((70, "ship"))
    data = form_data(alice.get(change_url(tool)))
    assert data["reviews-TOTAL_FORMS"] == "4"  # one review, three pre-filled rows
    ReviewerFactory(name="The Lawyer", slug="lawyer", lens="Lawyer", order=9)  # added meanwhile
    data["tagline"] = "Saved with a partial panel"
    response = alice.post(change_url(tool), data)
    assert response.status_code == 302, errors_of(response)[:2000]
    assert tool.reviews.count() == 1
    # The new critic has reviewed nothing: no empty row on the public page.
    page = Client().get(tool.get_absolute_url()).content.decode()
    assert "The Lawyer" not in page


# --- Errors on their fields --------------------------------------------------------------------


def test_slug_score_and_duplicate_critic_errors_show_on_their_fields_at_once(
    alice, make_reviewed_tool, panel
):
    tool = make_reviewed_tool((70, "ship"))
    page = alice.get(change_url(tool))
    assert 'name="reviews-0-score"' in page.content.decode()
    assert re.search(r'name="reviews-0-score"[^>]*max="100"', page.content.decode())
    data = form_data(page)
    data["slug"] = "cursor-vs-copilot"
    data["reviews-0-score"] = "101"
    # The next pre-filled row is for another critic; make it a second review by the first.
    data.update(
        {
            "reviews-1-reviewer": str(panel[0].pk),
            "reviews-1-score": "60",
            "reviews-1-verdict": "ship",
            "reviews-1-body": "Again.",
        }
    )
    response = alice.post(change_url(tool), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "-vs-" in str(form.errors["slug"])
    formset = response.context["inline_admin_formsets"][0].formset
    assert "100" in str(formset.forms[0].errors["score"])
    assert "one review per critic" in str(formset.forms[1].errors["reviewer"])
    assert Tool.objects.get(pk=tool.pk).slug == tool.slug


# --- Drafts, scheduling, preview ---------------------------------------------------------------


def test_a_new_tool_starts_as_a_draft(alice, developer_tools):
    data = form_data(alice.get(reverse("admin:tools_tool_add")))
    assert data["status"] == "draft"


def test_drafts_and_scheduled_tools_stay_hidden_until_due(client, reference_pair):
    tomorrow = timezone.now() + timedelta(days=1)
    draft = ToolFactory(name="Drafty", slug="drafty", status="draft")
    scheduled = ToolFactory(
        name="Soonish",
        slug="soonish",
        status="scheduled",
        category=reference_pair[0].category,
        published_at=tomorrow,
    )
    ReviewFactory(tool=scheduled, reviewer__slug="builder", score=77)
    for tool in (draft, scheduled):
        assert client.get(tool.get_absolute_url()).status_code == 404
        assert client.get(f"/compare/code-llama-4-vs-{tool.slug}/").status_code == 404
        assert not any(tool.slug in url for url in sitemap_urls(client))
        found = client.get("/search/", {"q": tool.name}).content.decode()
        assert f'href="/tools/{tool.slug}/"' not in found
    assert "Soonish" not in client.get("/feeds/verdicts/").content.decode()
    category_page = reference_pair[0].category.get_absolute_url()
    assert "Soonish" not in client.get(category_page).content.decode()  # now cached
    assert build_content(start=timezone.now() - timedelta(days=7), end=timezone.now()) is None or (
        "Soonish"
        not in str(build_content(start=timezone.now() - timedelta(days=7), end=timezone.now()).news)
    )

    with time_machine.travel(tomorrow + timedelta(minutes=1), tick=True):
        assert client.get(scheduled.get_absolute_url()).status_code == 200
        assert any(url.endswith("/tools/soonish/") for url in sitemap_urls(client))
        # The page cached before the go-live time is stale now: no worker, no purge needed.
        assert "Soonish" in client.get(category_page).content.decode()
        assert "Soonish" in client.get("/feeds/verdicts/").content.decode()
        assert client.get("/compare/code-llama-4-vs-soonish/").status_code == 200
        digest = build_content(start=timezone.now() - timedelta(days=7), end=timezone.now())
        assert digest is not None
        assert client.get(draft.get_absolute_url()).status_code == 404


def test_shared_caches_keep_a_page_no_later_than_the_next_go_live(client, reference_pair):
    in_ten_minutes = timezone.now() + timedelta(minutes=10)
    ToolFactory(status="scheduled", published_at=in_ten_minutes)
    response = client.get(reference_pair[0].get_absolute_url())
    s_maxage = int(re.search(r"s-maxage=(\d+)", response["Cache-Control"]).group(1))
    assert 0 < s_maxage <= 600


def test_a_scheduled_review_goes_live_at_its_time(client, reference_pair, panel):
    tool = reference_pair[0]
    lawyer = ReviewerFactory(name="The Lawyer", slug="lawyer", lens="Lawyer", order=9)
    soon = timezone.now() + timedelta(hours=2)
    ReviewFactory(
        tool=tool, reviewer=lawyer, score=12, verdict="skip", status="scheduled", published_at=soon
    )
    assert "The Lawyer" not in client.get(tool.get_absolute_url()).content.decode()
    with time_machine.travel(soon + timedelta(seconds=5), tick=True):
        assert "The Lawyer" in client.get(tool.get_absolute_url()).content.decode()


def test_preview_shows_drafts_to_staff_only_and_is_never_cached(alice, client, reference_pair):
    draft = ToolFactory(name="Drafty", slug="drafty", status="draft")
    ReviewFactory(tool=draft, reviewer__slug="builder", score=64, verdict="ship")
    for url in (
        reverse("preview_tool", args=["drafty"]),
        reverse("preview_compare", args=["code-llama-4-vs-drafty"]),
    ):
        response = alice.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Drafty" in page and "Preview" in page and "Only staff see this page" in page
        assert response["Cache-Control"] == "private, no-store"
        assert client.get(url).status_code == 404  # anonymous
    signed_in = Client()
    signed_in.force_login(User.objects.create_user("reader", password="pw-for-tests-only"))
    assert signed_in.get(reverse("preview_tool", args=["drafty"])).status_code == 404
    # Preview never leaks into the public pages.
    assert client.get("/tools/drafty/").status_code == 404
    assert "Only staff see this page" not in client.get("/tools/code-llama-4/").content.decode()


def test_view_on_site_of_a_draft_is_its_preview(alice):
    draft = ToolFactory(slug="drafty", status="draft")
    page = alice.get(change_url(draft)).content.decode()
    assert reverse("preview_tool", args=["drafty"]) in page


# --- Revisions with reasons, the public verdict history ----------------------------------------


def test_a_verdict_flip_needs_a_reason_and_is_then_shown_everywhere(alice, client, reference_pair):
    tool = reference_pair[0]
    review = Review.objects.get(tool=tool, reviewer__slug="founder")  # 55, skip
    data = form_data(alice.get(change_url(tool)))
    row = next(
        k.split("-")[1] for k, v in data.items() if k.endswith("-id") and v == str(review.pk)
    )
    data[f"reviews-{row}-score"] = "86"
    data[f"reviews-{row}-verdict"] = "ship"
    data[f"reviews-{row}-text_checked"] = "on"
    refused = alice.post(change_url(tool), data)
    assert refused.status_code == 200
    assert "Say why" in str(refused.context["inline_admin_formsets"][0].formset.errors)
    assert not VerdictChange.objects.exists()
    review.refresh_from_db()
    assert review.verdict == "skip"

    data = form_data(refused)
    data[f"reviews-{row}-reason"] = "Licence moved to Apache 2.0."
    assert alice.post(change_url(tool), data).status_code == 302
    change = VerdictChange.objects.get()
    assert (change.old_verdict, change.new_verdict, change.old_score, change.new_score) == (
        "skip",
        "ship",
        55,
        86,
    )
    assert change.changed_by.username == "alice"
    page = client.get(tool.get_absolute_url()).content.decode()
    history = page[page.index('id="verdict-history"') :]
    assert "The Founder" in history and "skip → ship (55 → 86)" in history
    assert "Licence moved to Apache 2.0." in history
    feed = client.get("/feeds/verdicts/").content.decode()
    assert "changed, skip → ship" in feed and "Licence moved to Apache 2.0." in feed
    digest = build_content(start=timezone.now() - timedelta(days=1), end=timezone.now())
    assert [c.pk for c in digest.changes] == [change.pk]


def test_a_small_score_change_needs_no_reason(alice, reference_pair):
    tool = reference_pair[0]
    review = Review.objects.get(tool=tool, reviewer__slug="builder")  # 84
    url = reverse("admin:verdicts_review_change", args=[review.pk])
    data = form_data(alice.get(url))
    data["score"] = "80"
    assert alice.post(url, data).status_code == 302
    assert not VerdictChange.objects.exists()


def test_a_shell_save_is_recorded_in_history_and_in_the_verdict_history(reference_pair):
    review = Review.objects.get(tool=reference_pair[0], reviewer__slug="builder")
    records = review.history.count()
    review.score, review.verdict = 40, "skip"
    review._change_reason = "Re-tested after the 2.0 release."
    review.save()
    assert review.history.count() == records + 1
    latest = review.history.first()
    assert (latest.score, latest.verdict) == (40, "skip")
    assert latest.history_change_reason == "Re-tested after the 2.0 release."
    change = VerdictChange.objects.get()
    assert change.reason == "Re-tested after the 2.0 release." and change.changed_by is None

    tool = reference_pair[0]
    tool.licence = "Apache 2.0"
    tool.save()
    assert tool.history.first().licence == "Apache 2.0"


def test_admin_history_shows_old_and_new_values_with_who(alice, reference_pair):
    review = Review.objects.get(tool=reference_pair[0], reviewer__slug="builder")
    url = reverse("admin:verdicts_review_change", args=[review.pk])
    data = form_data(alice.get(url))
    data.update({"score": "40", "verdict": "skip", "reason": "Broke on our monorepo."})
    data["text_checked"] = "on"
    assert alice.post(url, data).status_code == 302
    history = alice.get(reverse("admin:verdicts_review_history", args=[review.pk]))
    text = errors_of(history)
    assert "alice" in text and "Broke on our monorepo." in text
    assert re.search(r"84\s*(&nbsp;)*→(&nbsp;)*\s*40|84.{0,40}40", text)


# --- Integrity -----------------------------------------------------------------------------------


def test_a_renamed_slug_answers_301_for_tool_and_compare_urls(client, alice, reference_pair):
    tool = reference_pair[0]
    data = form_data(alice.get(change_url(tool)))
    data["slug"] = "code-llama-four"
    assert alice.post(change_url(tool), data).status_code == 302
    response = client.get("/tools/code-llama-4/")
    assert (response.status_code, response["Location"]) == (301, "/tools/code-llama-four/")
    response = client.get("/compare/code-llama-4-vs-mistral-3b/")
    assert response.status_code == 301
    assert response["Location"] == "/compare/code-llama-four-vs-mistral-3b/"
    assert client.get(response["Location"]).status_code == 200
    assert client.get("/compare/mistral-3b-vs-code-llama-4/").status_code == 301


def test_moving_a_review_refreshes_the_old_tools_page(client, reference_pair):
    mistral = reference_pair[1]
    assert "The Builder" in client.get(mistral.get_absolute_url()).content.decode()
    other = ToolFactory(category=mistral.category)
    review = Review.objects.get(tool=mistral, reviewer__slug="builder")
    review.tool = other
    review.save()
    page = client.get(mistral.get_absolute_url()).content.decode()
    assert "87/100" not in page


def test_the_sitemap_is_kept_a_minute_at_most(client, reference_pair):
    response = client.get("/sitemap.xml")
    assert "max-age=60" in response["Cache-Control"]


def test_a_schedule_in_the_past_is_refused_on_its_field_but_a_due_one_saves(alice):
    tool = ToolFactory(status="draft")
    data = form_data(alice.get(change_url(tool)))
    data.update({"status": "scheduled", "published_at_0": "2020-01-01", "published_at_1": "10:00"})
    response = alice.post(change_url(tool), data)
    assert response.status_code == 200
    assert "in the future" in str(response.context["adminform"].form.errors["published_at"])
    # A schedule whose time has come is simply live: saving it again is no error.
    Tool.objects.filter(pk=tool.pk).update(
        status="scheduled", published_at=timezone.now() - timedelta(minutes=5)
    )
    data = form_data(alice.get(change_url(tool)))
    data["tagline"] = "Edited after going live"
    assert alice.post(change_url(tool), data).status_code == 302


def test_save_and_view_on_site_goes_to_the_page_or_its_preview(alice, reference_pair):
    draft = ToolFactory(slug="drafty", status="draft")
    page = alice.get(change_url(draft))
    assert 'name="_viewonsite"' in page.content.decode()
    data = form_data(page)
    data["_viewonsite"] = "Save and view on site"
    response = alice.post(change_url(draft), data)
    assert (response.status_code, response["Location"]) == (302, "/preview/tools/drafty/")
    live = reference_pair[0]
    data = form_data(alice.get(change_url(live)))
    data["_viewonsite"] = "Save and view on site"
    assert alice.post(change_url(live), data)["Location"] == "/tools/code-llama-4/"


def test_staff_get_a_preview_link_on_compare_pages_and_readers_do_not(
    alice, client, reference_pair
):
    url = "/compare/code-llama-4-vs-mistral-3b/"
    link = 'href="/preview/compare/code-llama-4-vs-mistral-3b/"'
    assert link not in client.get(url).content.decode()  # anonymous, and cached as such
    assert link in alice.get(url).content.decode()
    assert link not in client.get(url).content.decode()


def test_bulk_schedule_asks_for_a_time_then_schedules_every_selected_tool(alice):
    drafts = [ToolFactory(status="draft"), ToolFactory(status="draft")]
    url = reverse("admin:tools_tool_changelist")
    picked = {"action": "schedule", "_selected_action": [t.pk for t in drafts]}
    asked = alice.post(url, picked)
    assert asked.status_code == 200 and 'name="publish_at"' in asked.content.decode()
    past = alice.post(url, {**picked, "apply": "1", "publish_at": "2020-01-01T09:00"})
    assert "Pick a time in the future" in past.content.decode()
    assert set(
        Tool.objects.filter(pk__in=picked["_selected_action"]).values_list("status", flat=True)
    ) == {"draft"}
    when = (timezone.localtime() + timedelta(days=1)).replace(second=0, microsecond=0)
    done = alice.post(url, {**picked, "apply": "1", "publish_at": when.strftime("%Y-%m-%dT%H:%M")})
    assert done.status_code == 302
    for tool in Tool.objects.filter(pk__in=picked["_selected_action"]):
        assert (tool.status, tool.published_at, tool.state) == ("scheduled", when, "Scheduled")


def test_staff_see_a_preview_link_on_public_compare_pages_and_nobody_else_does(
    reference_pair, signed_in
):
    """The link is a per-visitor slot: the cached page others get never carries it, whoever
    built it."""
    url = "/compare/code-llama-4-vs-mistral-3b/"
    link = "Preview with drafts and scheduled items"
    editor = signed_in("Editors")
    assert link in editor.get(url).content.decode()  # the editor's visit builds the page
    assert link not in Client().get(url).content.decode()
    voter = Client()
    voter.post("/tools/code-llama-4/vote/", {"value": "ship"})
    page = voter.get(url).content.decode()
    assert 'aria-pressed="true"' in page and link not in page
    assert link in editor.get(url).content.decode()
