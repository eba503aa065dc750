"""A tool's History is one dated timeline of everything on its page, each change in full, with
a revert for the tool's and its reviews' earlier versions (tools/timeline.py)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from tests.admin_forms import form_data
from tests.editorial.test_workflow import change_url, staff
from tests.trust.conftest import CorrectionFactory
from tools.models import Tool
from trust.models import FactCheck
from trust.services import fix_and_accept
from verdicts.models import Review

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_history_shows_the_tool_its_reviews_facts_and_corrections_in_full(reference_pair):
    alice, bob = staff("alice"), staff("bob")
    tool = reference_pair[0]
    long_tagline = "A tagline long enough that forty characters would cut it off in the middle"
    data = form_data(alice.get(change_url(tool)))
    data["tagline"] = long_tagline
    assert alice.post(change_url(tool), data).status_code == 302

    review = Review.objects.get(tool=tool, reviewer__slug="builder")
    url = reverse("admin:verdicts_review_change", args=[review.pk])
    flip = form_data(bob.get(url))
    flip.update(score="40", verdict="skip", reason="Broke on our monorepo.", text_checked="on")
    assert bob.post(url, flip).status_code == 302

    check = FactCheck.objects.create(
        tool=tool, fact="licence", checked_on=timezone.localdate(), source_url="https://a.b/"
    )
    check.source_url = "https://llama.com/license/"
    check.save()
    report = CorrectionFactory(tool=tool, fact="maker")
    fix_and_accept(
        correction=report,
        field="maker",
        value="Meta Platforms",
        editor=User.objects.get(username="alice"),
    )

    page = text(alice.get(reverse("admin:tools_tool_history", args=[tool.pk])))
    assert (
        f"“Meta&#x27;s open-weight code model for agentic, multi-step work” → “{long_tagline}”"
        in page
    )
    assert "The Builder&#x27;s review: changed" in page and "Broke on our monorepo." in page
    assert "“84” → “40”" in page and "“ship” → “skip”" in page
    assert "Fact check: Licence: changed" in page and "https://llama.com/license/" in page
    assert "Report of an error (maker): corrected" in page and "“Meta” → “Meta Platforms”" in page
    assert "Changed, no changes" not in page


def test_a_revert_from_the_timeline_puts_the_old_version_back(reference_pair):
    alice = staff("alice")
    tool = reference_pair[0]
    before = tool.tagline
    for tagline in ("First edit", "Second edit"):
        data = form_data(alice.get(change_url(tool)))
        data["tagline"] = tagline
        alice.post(change_url(tool), data)
    history = alice.get(reverse("admin:tools_tool_history", args=[tool.pk]))
    links = re.findall(r'href="([^"]+)">Revert to this', history.content.decode())
    assert links, "earlier versions offer a revert"
    first_edit = next(
        link
        for link in links
        if alice.get(link).context["adminform"].form.initial["tagline"] == "First edit"
    )
    form = alice.get(first_edit)
    assert alice.post(first_edit, form_data(form)).status_code == 302
    assert Tool.objects.get(pk=tool.pk).tagline == "First edit" != before
