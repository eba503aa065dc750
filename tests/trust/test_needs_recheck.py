"""The editors' side of facts: "Needs re-check" on the tool and fact check changelists, the
inline on the tool form, and re-dating checks in one action."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from tests.admin_forms import form_data
from tests.conftest import sign_in_verified
from tests.factories import ToolFactory
from tests.trust.conftest import FactCheckFactory, days_ago, text_of
from trust.models import Fact, FactCheck

pytestmark = pytest.mark.django_db

EVERY_FACT = (Fact.PRICING, Fact.LICENCE, Fact.MAKER)


@pytest.fixture
def editor(client):
    user = User.objects.create_superuser("editor", "editor@example.com", "pw-for-tests-only")
    sign_in_verified(client, user)
    return client


@pytest.fixture
def tools(developer_tools):
    """One tool of each kind: all fresh, one stale fact, one fact never checked."""
    fresh, stale, missing = (
        ToolFactory(name=name, category=developer_tools) for name in ("Fresh", "Stale", "Missing")
    )
    for fact in EVERY_FACT:
        FactCheckFactory(tool=fresh, fact=fact, checked_on=days_ago(90))
        FactCheckFactory(
            tool=stale, fact=fact, checked_on=days_ago(91 if fact == Fact.LICENCE else 1)
        )
        if fact != Fact.MAKER:
            FactCheckFactory(tool=missing, fact=fact)
    return fresh, stale, missing


def listed(client, url: str, **params) -> set[str]:
    response = client.get(url, params)
    assert response.status_code == 200
    return {str(row) for row in response.context["cl"].result_list}


def test_the_tool_changelist_lists_tools_with_stale_or_missing_checks(editor, tools):
    url = reverse("admin:tools_tool_changelist")
    assert listed(editor, url, facts="recheck") == {"Stale", "Missing"}
    assert listed(editor, url, facts="fresh") == {"Fresh"}
    assert listed(editor, url) == {"Fresh", "Stale", "Missing"}
    assert "Needs re-check" in editor.get(url).content.decode()


def test_the_filter_follows_the_setting_and_the_days(editor, settings, tools):
    url = reverse("admin:tools_tool_changelist")
    settings.FACT_STALE_DAYS = 89
    assert listed(editor, url, facts="recheck") == {"Fresh", "Stale", "Missing"}
    settings.FACT_STALE_DAYS = 91
    assert listed(editor, url, facts="recheck") == {"Missing"}


def test_the_fact_check_changelist_lists_stale_checks(editor, tools):
    url = reverse("admin:trust_factcheck_changelist")
    rows = editor.get(url, {"facts": "recheck"}).context["cl"].result_list
    assert [(check.tool.name, check.fact) for check in rows] == [("Stale", "licence")]
    assert len(editor.get(url, {"facts": "fresh"}).context["cl"].result_list) == 7


def test_the_tool_form_offers_a_row_for_each_unchecked_fact(editor, tools):
    missing = tools[2]
    response = editor.get(reverse("admin:tools_tool_change", args=[missing.pk]))
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is FactCheck
    )
    assert [form.initial.get("fact") for form in formset.extra_forms] == ["maker"]
    assert len(formset.initial_forms) == 2


def test_a_check_saved_from_the_tool_form_shows_on_its_page(editor, reference_pair):
    tool = reference_pair[0]
    url = reverse("admin:tools_tool_change", args=[tool.pk])
    data = form_data(editor.get(url))
    row = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("fact_checks-") and key.endswith("-fact") and value == "pricing"
    )
    data.update(
        {
            f"fact_checks-{row}-basis": "claimed",
            f"fact_checks-{row}-checked_on": days_ago(3).isoformat(),
            f"fact_checks-{row}-source_url": "https://www.llama.com/pricing",
        }
    )
    editor.logout()
    assert "Claimed by the maker" not in text_of(editor.get(f"/tools/{tool.slug}/"))  # cached
    sign_in_verified(editor, User.objects.get(username="editor"))
    response = editor.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    check = FactCheck.objects.get()
    assert (check.tool, check.fact, check.basis) == (tool, "pricing", "claimed")
    editor.logout()
    assert "Claimed by the maker" in text_of(editor.get(f"/tools/{tool.slug}/"))


def test_a_check_cannot_be_dated_in_the_future(editor, reference_pair):
    tool = reference_pair[0]
    response = editor.post(
        reverse("admin:trust_factcheck_add"),
        {
            "tool": tool.pk,
            "fact": "licence",
            "basis": "checked",
            "checked_on": days_ago(-2).isoformat(),
            "source_url": "https://example.com/licence",
        },
    )
    assert response.status_code == 200
    assert "A check cannot be in the future." in response.content.decode()
    assert not FactCheck.objects.exists()


def test_one_action_dates_stale_checks_today_and_purges_their_pages(editor, reference_pair):
    check = FactCheckFactory(tool=reference_pair[0], checked_on=days_ago(120))
    editor.logout()
    assert "may be out of date" in text_of(editor.get("/tools/code-llama-4/"))
    sign_in_verified(editor, User.objects.get(username="editor"))
    response = editor.post(
        reverse("admin:trust_factcheck_changelist"),
        {"action": "checked_today", "_selected_action": [check.pk]},
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.checked_on == timezone.localdate()
    editor.logout()
    assert "may be out of date" not in text_of(editor.get("/tools/code-llama-4/"))


@pytest.mark.parametrize("model", ["factcheck", "correction"])
def test_the_trust_admin_pages_render(editor, tools, model):
    assert editor.get(reverse(f"admin:trust_{model}_changelist")).status_code == 200
    if model == "factcheck":
        assert editor.get(reverse("admin:trust_factcheck_add")).status_code == 200
        check = FactCheck.objects.first()
        url = reverse("admin:trust_factcheck_change", args=[check.pk])
        assert editor.get(url).status_code == 200
