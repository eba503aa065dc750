"""Changing a use makes a new dated version of the method that lists the comparisons whose pick
it flipped; the methodology page states the rules and uses from the same rows."""

import pytest
from django.core.cache import cache

from modelspecs.method import record_method_version
from modelspecs.models import PickMethod, Use
from tests.admin_forms import form_data
from tests.modelspecs.test_pick_by_the_numbers import model
from tests.tools.test_compare_page import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def models():
    return [
        model("Wide Dear", "3", "15", context_window=1_000_000),
        model("Mid Cheap", "1", "5", context_window=256_000),
        model("Narrow Cheapest", "0.2", "1", context_window=128_000),
    ]


def test_version_one_is_seeded_with_the_uses():
    version = PickMethod.objects.get()
    assert version.number == 1
    assert [row["slug"] for row in version.uses] == ["chat", "docs", "agent"]


def test_nothing_changed_makes_no_version(models):
    assert record_method_version(note="nothing") is None
    assert PickMethod.objects.count() == 1


def test_a_stricter_use_lists_the_comparisons_whose_pick_it_flipped(models):
    agent = Use.objects.get(slug="agent")
    agent.min_context = 500_000  # Mid Cheap (256K) no longer qualifies
    agent.save()
    version = record_method_version(note="Agents read whole repositories now.")
    assert version.number == 2
    assert version.note == "Agents read whole repositories now."
    flips = {
        (flip["pair"], flip["use"]): (flip["before"], flip["after"]) for flip in version.flipped
    }
    assert flips == {
        ("mid-cheap-vs-wide-dear", "Coding agent"): ("Mid Cheap", "Wide Dear"),
        ("mid-cheap-vs-narrow-cheapest", "Coding agent"): ("Mid Cheap", ""),  # none qualifies
    }
    assert version.flipped_count == 2
    # Wide Dear against Narrow Cheapest (128K) was Wide Dear's before and still is.


def test_a_new_use_and_a_retired_use_count_their_picks(models):
    Use.objects.create(
        slug="long-docs",
        label="Long documents",
        min_context=900_000,
        input_tokens=10_000_000,
        output_tokens=1_000_000,
    )
    Use.objects.filter(slug="chat").update(is_active=False)
    version = record_method_version(note="Long documents; chat retired.")
    uses = {flip["use"] for flip in version.flipped}
    assert uses == {"Long documents", "Chat app"}
    gone = [flip for flip in version.flipped if flip["use"] == "Chat app"]
    assert all(flip["after"] == "" for flip in gone) and len(gone) == 3  # three pairs
    # Only Wide Dear reads 900K: it wins both its pairs; the third pair has no pick, as before.
    new = [flip for flip in version.flipped if flip["use"] == "Long documents"]
    assert sorted(flip["pair"] for flip in new) == [
        "mid-cheap-vs-wide-dear",
        "narrow-cheapest-vs-wide-dear",
    ]
    assert {(flip["before"], flip["after"]) for flip in new} == {("", "Wide Dear")}


def test_the_methodology_page_states_the_uses_and_the_versions(client, models):
    agent = Use.objects.get(slug="agent")
    agent.min_context = 500_000
    agent.save()
    record_method_version(note="Agents read whole repositories now.")
    cache.clear()
    text = text_of(client.get("/methodology/"))
    assert (
        "Coding agent (10K tasks a month): needs tool calling, 500K+ context; costed at "
        "500M input + 50M output tokens a month." in text
    )
    assert "Version 2, " in text and "Agents read whole repositories now." in text
    assert "The pick changed on 2 comparisons" in text
    assert "mid-cheap-vs-wide-dear , coding agent: Mid Cheap → Wide Dear" in text


def test_an_editor_changing_a_use_in_the_admin_makes_a_version_and_the_pages_follow(
    signed_in, client, models
):
    admin_client = signed_in("Editors")
    compare = "/compare/mid-cheap-vs-wide-dear/"
    assert "Coding agent (tool calling, 200K+ context" in text_of(client.get(compare))
    agent = Use.objects.get(slug="agent")
    url = f"/admin/modelspecs/use/{agent.pk}/change/"
    data = form_data(admin_client.get(url))
    data.update(min_context="500000", reason="Agents read whole repositories now.")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PickMethod.objects.latest().flipped_count == 2
    text = text_of(client.get(compare))  # a reader, through the page cache
    assert "Coding agent (tool calling, 500K+ context" in text
    assert "Mid Cheap does not qualify: 256K context, needs 500K." in text


def test_the_admin_refuses_a_change_without_a_reason(signed_in, models):
    admin_client = signed_in("Editors")
    agent = Use.objects.get(slug="agent")
    url = f"/admin/modelspecs/use/{agent.pk}/change/"
    data = form_data(admin_client.get(url))
    data.update(min_context="500000", reason="")
    assert admin_client.post(url, data).status_code == 200
    assert Use.objects.get(slug="agent").min_context == 200_000
    assert PickMethod.objects.count() == 1
