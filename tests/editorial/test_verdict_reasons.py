"""Every change readers see to a published verdict has a reason and a line in the verdict
history, however it is made: in the form, by a draft round trip, by import (tests/catalogue),
by revert (tests/editorial/test_revert.py). A flip asks the editor to look at the text."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.admin_forms import form_data
from verdicts.models import Review, VerdictChange

pytestmark = pytest.mark.django_db


def save(client, review: Review, **changes):
    url = reverse("admin:verdicts_review_change", args=[review.pk])
    data = form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def errors(response) -> dict:
    return response.context["adminform"].form.errors if response.status_code == 200 else {}


def test_a_flip_made_while_a_draft_needs_its_reason_when_published_again(alice, reference_pair):
    review = Review.objects.get(tool=reference_pair[0], reviewer__slug="builder")  # 84 ship
    assert save(alice, review, status="draft").status_code == 302
    flipped = save(alice, review, score="40", verdict="skip", body="It broke on our monorepo.")
    assert flipped.status_code == 302, errors(flipped)  # a draft: nobody sees it yet
    assert not VerdictChange.objects.exists()

    refused = save(alice, review, status="published")
    assert "reason" in errors(refused)
    assert "84 ship → 40 skip" in errors(refused)["reason"][0]
    assert Review.objects.get(pk=review.pk).status == "draft"

    assert save(alice, review, status="published", reason="Broke on a monorepo.").status_code == 302
    change = VerdictChange.objects.get()
    assert (change.old_score, change.old_verdict, change.new_score, change.new_verdict) == (
        84,
        "ship",
        40,
        "skip",
    )
    assert change.reason == "Broke on a monorepo." and change.changed_by.username == "alice"


def test_a_draft_round_trip_back_to_the_same_verdict_needs_no_reason(alice, reference_pair):
    review = Review.objects.get(tool=reference_pair[0], reviewer__slug="builder")
    save(alice, review, status="draft")
    save(alice, review, score="40", verdict="skip", body="Hmm.")
    back = save(alice, review, status="published", score="83", verdict="ship", text_checked="on")
    assert back.status_code == 302, errors(back)
    assert not VerdictChange.objects.exists()


def test_a_shell_draft_round_trip_is_recorded_against_what_readers_last_saw(reference_pair):
    review = Review.objects.get(tool=reference_pair[0], reviewer__slug="builder")
    review.status = "draft"
    review.save()
    review.verdict, review.score = "skip", 30
    review.save()
    assert not VerdictChange.objects.exists()
    review.status = "published"
    review.save()
    change = VerdictChange.objects.get()
    assert (change.old_verdict, change.new_verdict, change.reason) == ("ship", "skip", "")


@pytest.mark.parametrize(
    "changes, saved",
    [
        ({}, False),  # the text still argues ship: asked to look at it
        ({"text_checked": "on"}, True),
        ({"body": "Fails our tests since 2.0. Skip."}, True),
    ],
)
def test_a_flip_asks_for_the_text_to_be_checked(alice, reference_pair, changes, saved):
    review = Review.objects.get(tool=reference_pair[0], reviewer__slug="builder")
    response = save(alice, review, score="40", verdict="skip", reason="Fails since 2.0.", **changes)
    assert (response.status_code == 302) is saved, errors(response)
    if not saved:
        assert "may still argue for Ship" in errors(response)["body"][0]
    assert Review.objects.get(pk=review.pk).verdict == ("skip" if saved else "ship")
