"""The admin home opens on "Today": counts of the work waiting for a person, each a link to the
list behind it, and the fact re-check work list settles a fact in one click."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import RefusedSave
from modelspecs.models import CatalogueChange, ModelSpec
from tests.conftest import sign_in_verified
from tests.factories import ToolFactory
from tests.trust.conftest import CorrectionFactory
from tools.models import Tool
from trust.models import FactCheck
from verdicts.models import VerdictChange

pytestmark = pytest.mark.django_db


def staff_in(group: str) -> Client:
    user, _ = User.objects.get_or_create(username=group.lower(), defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    sign_in_verified(client, user)
    return client


def today_rows(client) -> dict[str, tuple[int, str]]:
    html = client.get(reverse("admin:index")).content.decode()
    table = html[html.index('id="today"') : html.index("</table>", html.index('id="today"'))]
    rows = re.findall(
        r'<th scope="row"><a href="([^"]+)">([^<]+)</a></th>\s*<td class="today-count">'
        r'<a href="[^"]+">(\d+)</a>',
        table,
    )
    return {label: (int(count), url.replace("&amp;", "&")) for url, label, count in rows}


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def seeded_work(reference_pair):
    now = timezone.now()
    ToolFactory.create_batch(2, status="draft")
    ToolFactory(status="scheduled", published_at=now + datetime.timedelta(days=3))
    ToolFactory(status="scheduled", published_at=now + datetime.timedelta(days=10))
    CorrectionFactory.create_batch(3, tool=reference_pair[0])
    CorrectionFactory(tool=reference_pair[0], status="no_change")
    for fact, age in (("pricing", 200), ("licence", 100), ("maker", 5)):
        FactCheck.objects.create(
            tool=reference_pair[0], fact=fact, checked_on=days_ago(age), source_url="https://a.b/"
        )
    spec = ModelSpec.objects.create(tool=ToolFactory(), provider="p", model_id="m", source="s")
    CatalogueChange.objects.create(
        spec=spec, source="s", before={"context_window": None}, after={"context_window": 1000}
    )
    review = reference_pair[0].reviews.first()
    VerdictChange.objects.create(
        review=review,
        tool=review.tool,
        reviewer=review.reviewer,
        old_score=80,
        new_score=40,
        old_verdict="ship",
        new_verdict="skip",
        reason="",
    )
    kind = ContentType.objects.get_for_model(Tool)
    RefusedSave.objects.create(content_type=kind, object_id="1", object_repr="x")
    RefusedSave.objects.create(
        content_type=kind, object_id="1", object_repr="y", at=now - datetime.timedelta(days=2)
    )


EXPECTED = {
    "Drafts": 2,
    "Scheduled in the next 7 days": 1,
    "Open reports of errors": 3,
    "Facts due for a re-check": 2,
    "Catalogue changes waiting": 1,
    "Verdict changes without a reason": 1,
    "Saves refused in the last day": 1,
}


def test_every_count_on_the_home_page_leads_to_the_list_behind_it(seeded_work):
    editor = staff_in("Editors")
    rows = today_rows(editor)
    counts = {label: count for label, (count, _) in rows.items()}
    assert {label: counts.get(label) for label in EXPECTED} == EXPECTED
    for label, (count, url) in rows.items():
        if label not in EXPECTED:
            continue
        page = editor.get(url)
        assert page.status_code == 200, (label, url)
        if "cl" in (page.context or {}):
            assert page.context["cl"].result_count == count, label
        else:
            assert len(page.context["rows"]) == count, label


def test_each_group_sees_only_the_work_it_may_do(seeded_work):
    moderator_rows = today_rows(staff_in("Moderators"))
    assert "Open reports of errors" in moderator_rows
    assert "Drafts" not in moderator_rows and "Catalogue changes waiting" not in moderator_rows


# --- The re-check work list ------------------------------------------------------------------

RECHECK = reverse("admin:trust_factcheck_recheck")


@pytest.fixture
def due(reference_pair):
    checks = {}
    for tool in reference_pair:
        for fact, age in (("pricing", 200), ("licence", 100)):
            checks[tool.slug, fact] = FactCheck.objects.create(
                tool=tool, fact=fact, checked_on=days_ago(age), source_url="https://src.example/"
            )
    return checks


def test_the_list_shows_value_source_and_age_most_read_tools_first(due, reference_pair):
    from votes.models import Visitor, Vote

    for _ in range(3):
        Vote.objects.create(visitor=Visitor.objects.create(), tool=reference_pair[1], value="ship")
    page = staff_in("Editors").get(RECHECK)
    rows = page.context["rows"]
    assert [(check.tool.slug, check.fact) for check, _, _ in rows] == [
        ("mistral-3b", "pricing"),
        ("mistral-3b", "licence"),
        ("code-llama-4", "pricing"),
        ("code-llama-4", "licence"),
    ]
    html = page.content.decode()
    assert "Apache 2.0" in html and "https://src.example/" in html


@pytest.mark.parametrize("htmx", [False, True])
def test_still_true_and_makers_claim_settle_a_fact_in_one_click(due, htmx):
    editor = staff_in("Editors")
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    still = due["code-llama-4", "pricing"]
    response = editor.post(RECHECK, {"check": still.pk, "action": "still_true"}, **headers)
    assert response.status_code == (200 if htmx else 303)
    still.refresh_from_db()
    assert still.checked_on == timezone.localdate() and not still.is_stale
    claim = due["code-llama-4", "licence"]
    editor.post(RECHECK, {"check": claim.pk, "action": "claim"}, **headers)
    claim.refresh_from_db()
    assert (claim.basis, claim.checked_on) == ("claimed", timezone.localdate())
    assert len(editor.get(RECHECK).context["rows"]) == 2


def test_changed_writes_the_new_value_on_the_tool_and_dates_the_check(due, reference_pair):
    editor = staff_in("Editors")
    check = due["mistral-3b", "licence"]
    response = editor.post(RECHECK, {"check": check.pk, "action": "changed", "value": "MIT"})
    assert response.status_code == 303
    assert Tool.objects.get(pk=reference_pair[1].pk).licence == "MIT"
    check.refresh_from_db()
    assert check.checked_on == timezone.localdate()
    too_long = editor.post(
        RECHECK,
        {"check": due["mistral-3b", "pricing"].pk, "action": "changed", "value": "x" * 999},
        follow=True,
    )
    assert "at most" in too_long.content.decode()
    assert FactCheck.objects.get(pk=due["mistral-3b", "pricing"].pk).is_stale


@pytest.mark.parametrize(
    "data", [{}, {"check": "abc", "action": "still_true"}, {"check": "999999", "action": "x"}]
)
def test_bad_input_is_a_400_that_changes_nothing(due, data):
    before = list(FactCheck.objects.values_list("checked_on", flat=True))
    assert staff_in("Editors").post(RECHECK, data).status_code == 400
    assert list(FactCheck.objects.values_list("checked_on", flat=True)) == before


def test_moderators_cannot_recheck(due):
    assert staff_in("Moderators").get(RECHECK).status_code == 403


def test_the_green_tick_means_fresh(due, reference_pair):
    page = staff_in("Editors").get(reverse("admin:trust_factcheck_changelist")).content.decode()
    assert "icon-yes" not in page  # all four are stale
    FactCheck.objects.filter(pk=due["mistral-3b", "pricing"].pk).update(
        checked_on=timezone.localdate()
    )
    page = staff_in("Editors").get(reverse("admin:trust_factcheck_changelist"))
    assert page.content.decode().count("icon-yes") == 1
