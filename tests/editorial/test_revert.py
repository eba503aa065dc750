"""History -> Revert in the admin puts an older version back, through the same checks as an
edit, and records the change (it answered 500: the stale-form lock ran outside a transaction)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.admin_forms import form_data
from tests.editorial.test_workflow import change_url
from tools.models import Tool
from verdicts.models import Review, VerdictChange

# Outside a test transaction, as the server runs: the lock needs the view's own transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_reverting_a_tool_puts_the_old_tagline_back_and_writes_history(alice, reference_pair):
    tool = reference_pair[0]
    before = tool.tagline
    data = form_data(alice.get(change_url(tool)))
    data["tagline"] = "A tagline to undo"
    assert alice.post(change_url(tool), data).status_code == 302
    assert Tool.objects.get(pk=tool.pk).tagline == "A tagline to undo"
    old = Tool.history.filter(id=tool.pk, tagline=before).order_by("-history_date").first()
    assert old is not None, "the version to go back to"
    url = reverse("admin:tools_tool_simple_history", args=[tool.pk, old.history_id])
    page = alice.get(url)
    assert page.status_code == 200
    records = Tool.history.filter(id=tool.pk).count()
    response = alice.post(url, form_data(page))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Tool.objects.get(pk=tool.pk).tagline == before
    assert Tool.history.filter(id=tool.pk).count() == records + 1


def test_reverting_a_review_flip_needs_a_reason_and_records_it(alice, reference_pair):
    review = Review.objects.get(tool=reference_pair[0], reviewer__slug="builder")
    url = reverse("admin:verdicts_review_change", args=[review.pk])
    data = form_data(alice.get(url))
    data.update({"score": "40", "verdict": "skip", "reason": "Broke on our monorepo."})
    data["text_checked"] = "on"
    assert alice.post(url, data).status_code == 302
    old = Review.history.filter(id=review.pk, verdict="ship").order_by("-history_date").first()
    revert = reverse("admin:verdicts_review_simple_history", args=[review.pk, old.history_id])
    page = alice.get(revert)
    assert page.status_code == 200
    without_reason = form_data(page)
    without_reason["reason"] = ""
    refused = alice.post(revert, without_reason)
    assert refused.status_code == 200  # the form again, asking for the reason
    assert Review.objects.get(pk=review.pk).verdict == "skip"
    with_reason = {**without_reason, "reason": "Fixed upstream; back to ship."}
    assert alice.post(revert, with_reason).status_code == 302
    review.refresh_from_db()
    assert (review.verdict, review.score) == ("ship", 84)
    assert VerdictChange.objects.filter(
        review=review, new_verdict="ship", reason="Fixed upstream; back to ship."
    ).exists()
