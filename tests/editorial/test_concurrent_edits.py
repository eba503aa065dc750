"""Two editors on one tool: who has it open is shown, a save after a colleague's is refused and
comes back merged three ways, and a deliberate second save overwrites only what its editor
changed (core/merging.py, core.admin.KeepsEveryonesWork)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import Presence, RefusedSave
from tests.admin_forms import form_data
from tests.conftest import sign_in_verified
from tests.editorial.test_workflow import change_url
from tests.factories import ReviewerFactory, ReviewFactory, ToolFactory
from tools.models import Tool
from trust.models import FactCheck
from verdicts.models import Review

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# The text fields two editors might both touch; each gets a long value (no 40-character cut).
FIELDS = ("tagline", "maker", "description", "pricing_details", "licence", "entry_price")


def value(who: str, field: str) -> str:
    long = " and a good deal more than forty characters of it" if field == "description" else ""
    return f"{who}'s {field.replace('_', ' ')}{long}"[: 60 if field != "description" else 200]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    bobs=st.sets(st.sampled_from(FIELDS), min_size=1),
    alices=st.sets(st.sampled_from(FIELDS)),
)
def test_after_a_refused_save_every_field_holds_the_last_deliberate_change(
    alice, bob, bobs, alices
):
    """The rule for any split of fields: alice's stale save is refused; saving the merged form
    keeps each field bob alone changed as bob left it, and alice's where she changed it."""
    tool = ToolFactory()
    original = {field: getattr(tool, field) for field in FIELDS}
    stale = form_data(alice.get(change_url(tool)))
    fresh = form_data(bob.get(change_url(tool)))
    fresh.update({field: value("bob", field) for field in bobs})
    assert bob.post(change_url(tool), fresh).status_code == 302

    stale.update({field: value("alice", field) for field in alices})
    refused = alice.post(change_url(tool), stale)
    assert refused.status_code == 200
    assert "Not saved" in text(refused)
    stored = Tool.objects.get(pk=tool.pk)
    assert {f: getattr(stored, f) for f in bobs} == {f: value("bob", f) for f in bobs}

    merged = form_data(refused)
    for field in FIELDS:  # what the refused form shows in each box
        expected = (
            value("alice", field)
            if field in alices
            else value("bob", field)
            if field in bobs
            else original[field]
        )
        assert merged[field] == expected, field
    assert alice.post(change_url(tool), merged).status_code == 302
    stored = Tool.objects.get(pk=tool.pk)
    for field in FIELDS:
        assert getattr(stored, field) == merged[field], field


def test_a_clash_shows_old_theirs_and_yours_in_full(alice, bob, reference_pair):
    tool = reference_pair[0]
    old = tool.description
    stale = form_data(alice.get(change_url(tool)))
    fresh = form_data(bob.get(change_url(tool)))
    bobs = "Bob rewrote the description: " + "long enough to be cut anywhere short. " * 3
    fresh["description"] = bobs
    bob.post(change_url(tool), fresh)
    alices = "Alice rewrote it too, differently, and it is also well over forty characters."
    stale.update(description=alices, maker="Meta Platforms")
    refused = alice.post(change_url(tool), stale)
    page = text(refused)
    assert "Changed by someone else too." in page
    for whole in (old, bobs.strip(), alices):
        assert whole.replace("'", "&#x27;") in page
    assert RefusedSave.objects.filter(
        object_id=str(tool.pk), clashes="description", user__username="alice"
    ).exists()
    merged = form_data(refused)
    assert merged["description"] == alices and merged["maker"] == "Meta Platforms"
    # Her second save is deliberate: hers wins on the clash, bob's tagline untouched.
    assert alice.post(change_url(tool), merged).status_code == 302
    tool.refresh_from_db()
    assert (tool.description, tool.maker) == (alices, "Meta Platforms")


def test_a_review_a_colleague_changed_is_kept_when_the_tool_form_is_saved_again(
    alice, bob, reference_pair
):
    tool = reference_pair[0]
    review = Review.objects.get(tool=tool, reviewer__slug="builder")
    stale = form_data(alice.get(change_url(tool)))
    url = reverse("admin:verdicts_review_change", args=[review.pk])
    theirs = form_data(bob.get(url))
    theirs["body"] = "Bob's new paragraph for the Builder. It says something else now."
    assert bob.post(url, theirs).status_code == 302

    stale["tagline"] = "Alice's tagline"
    refused = alice.post(change_url(tool), stale)
    assert refused.status_code == 200
    merged = form_data(refused)
    assert alice.post(change_url(tool), merged).status_code == 302
    review.refresh_from_db()
    tool.refresh_from_db()
    assert review.body == theirs["body"] and tool.tagline == "Alice's tagline"


def test_the_review_form_alone_merges_a_colleagues_score(alice, bob, reference_pair):
    tool = reference_pair[0]
    review = Review.objects.get(tool=tool, reviewer__slug="builder")
    url = reverse("admin:verdicts_review_change", args=[review.pk])
    stale = form_data(alice.get(url))
    fresh = form_data(bob.get(url))
    fresh["score"] = "88"
    assert bob.post(url, fresh).status_code == 302
    stale["body"] = "Alice's better paragraph."
    refused = alice.post(url, stale)
    assert refused.status_code == 200 and "Not saved" in text(refused)
    assert alice.post(url, form_data(refused)).status_code == 302
    review.refresh_from_db()
    assert (review.score, review.body) == (88, "Alice's better paragraph.")


def test_a_fact_recheck_by_a_colleague_is_not_undone(alice, bob):
    tool = ToolFactory()
    check = FactCheck.objects.create(
        tool=tool, fact="pricing", checked_on=date(2026, 1, 5), source_url="https://a.example/"
    )
    stale = form_data(alice.get(change_url(tool)))
    fresh = form_data(bob.get(change_url(tool)))
    prefix = next(k for k, v in fresh.items() if v == str(check.pk) and k.endswith("-id"))[:-3]
    fresh[f"{prefix}-checked_on"] = "2026-12-01"
    assert bob.post(change_url(tool), fresh).status_code == 302
    stale["tagline"] = "Alice's tagline"
    refused = alice.post(change_url(tool), stale)
    assert refused.status_code == 200
    assert alice.post(change_url(tool), form_data(refused)).status_code == 302
    check.refresh_from_db()
    assert check.checked_on == date(2026, 12, 1)
    assert Tool.objects.get(pk=tool.pk).tagline == "Alice's tagline"


def test_a_form_without_changes_by_others_saves_first_time(alice):
    tool = ToolFactory()
    ReviewFactory(tool=tool, reviewer=ReviewerFactory())
    data = form_data(alice.get(change_url(tool)))
    data["tagline"] = "Saved at once"
    assert alice.post(change_url(tool), data).status_code == 302
    assert not RefusedSave.objects.exists()


# --- Presence ------------------------------------------------------------------------------


def test_the_form_names_who_else_has_it_open(alice, bob):
    tool = ToolFactory()
    with time_machine.travel(timezone.now().replace(hour=14, minute=43), tick=False):
        alice.get(change_url(tool))
        nobody = text(alice.get(change_url(tool)))
        assert "has this open" not in nobody
        page = text(bob.get(change_url(tool)))
    opened = timezone.localtime(Presence.objects.get(user__username="alice").opened_at)
    assert f"alice has this open since {opened:%H:%M}" in page
    assert "bob has this open" not in page


def test_presence_is_refreshed_while_open_and_ends_with_a_save_or_silence(alice, bob):
    tool = ToolFactory()
    url = reverse("admin:tools_tool_presence", args=[tool.pk])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        data = form_data(alice.get(change_url(tool)))
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        assert "alice has this open" in text(bob.post(url))
    with time_machine.travel(start + timedelta(minutes=4), tick=False):
        # Alice's page last checked in four minutes ago: she has left.
        assert "alice has this open" not in text(bob.post(url))
        alice.post(url)  # her page checks in again
        assert "alice has this open" in text(bob.post(url))
        data["tagline"] = "Saved and closed"
        assert alice.post(change_url(tool), data).status_code == 302
        assert "alice has this open" not in text(bob.post(url))


def test_presence_answers_only_a_post_from_someone_who_may_change_it(alice):
    tool = ToolFactory()
    url = reverse("admin:tools_tool_presence", args=[tool.pk])
    assert alice.get(url).status_code == 405
    assert alice.post(reverse("admin:tools_tool_presence", args=[999999])).status_code == 404
    moderator = User.objects.create_user("mo", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client = Client()
    sign_in_verified(client, moderator)
    assert client.post(url).status_code == 403
    assert not Presence.objects.filter(user=moderator).exists()


def fill_new_fact_row(data: dict, fact: str, source: str) -> None:
    prefix = next(k for k, v in data.items() if k.endswith("-fact") and v == fact)[: -len("-fact")]
    assert not data.get(f"{prefix}-id"), "a new row"
    data[f"{prefix}-source_url"] = source
    data[f"{prefix}-checked_on"] = "2026-12-01"


def test_two_editors_adding_the_same_fact_check_get_an_error_not_a_500(alice, bob):
    tool = ToolFactory()
    stale = form_data(alice.get(change_url(tool)))
    fresh = form_data(bob.get(change_url(tool)))
    fill_new_fact_row(fresh, "licence", "https://bob.example/licence")
    assert bob.post(change_url(tool), fresh).status_code == 302
    fill_new_fact_row(stale, "licence", "https://alice.example/licence")
    refused = alice.post(change_url(tool), stale)
    assert refused.status_code == 200
    assert "Someone added a check of this fact" in text(refused)
    again = alice.post(change_url(tool), form_data(refused))  # saving again: still no 500
    assert again.status_code in (200, 302)
    assert FactCheck.objects.get(tool=tool, fact="licence").source_url == (
        "https://bob.example/licence"
    )


def test_two_editors_writing_the_same_critics_first_review_get_an_error_not_a_500(
    alice, bob, panel
):
    tool = ToolFactory()
    stale = form_data(alice.get(change_url(tool)))
    fresh = form_data(bob.get(change_url(tool)))
    for data, who in ((fresh, "Bob"), (stale, "Alice")):
        data.update(
            {"reviews-0-score": "70", "reviews-0-verdict": "ship", "reviews-0-body": f"{who}."}
        )
    assert bob.post(change_url(tool), fresh).status_code == 302
    refused = alice.post(change_url(tool), stale)
    assert refused.status_code == 200 and "already has a review of this tool" in text(refused)
    assert Review.objects.get(tool=tool).body == "Bob."
