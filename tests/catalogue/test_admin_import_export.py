"""Editors export tools and reviews from the admin and import the same files, in two steps:
a dry run showing each row's change or errors, then the confirmed import (all or nothing)."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.catalogue.conftest import REVIEW_HEADER, TOOL_HEADER, review_row, tool_row
from tools.models import Tool
from verdicts.models import Review

pytestmark = pytest.mark.django_db

CSV, JSON = "0", "1"  # the order of core.resources.FORMATS


def export(client, model: str, file_format: str) -> str:
    url = reverse(f"admin:{model}_export")
    form = client.get(url).context["form"]
    data = {name: "on" for name, field in form.fields.items() if hasattr(field, "resource_name")}
    response = client.post(url, {**data, "format": file_format, "resource": "0"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response.content.decode("utf-8-sig")


def upload(client, model: str, name: str, content: str, file_format: str = CSV):
    return client.post(
        reverse(f"admin:{model}_import"),
        {
            "format": file_format,
            "resource": "0",
            "import_file": SimpleUploadedFile(name, content.encode()),
        },
    )


def confirm(client, model: str, first_step):
    form = first_step.context["confirm_form"]
    return client.post(reverse(f"admin:{model}_process_import"), form.initial)


def as_csv(header: list[str], *rows: list) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue()


def snapshot() -> list[tuple]:
    return [
        *Tool.objects.order_by("pk").values_list(),
        *Review.objects.order_by("pk").values_list(),
    ]


def test_editors_export_tools_and_reviews_as_csv_and_json(signed_in, reference_pair):
    editor = signed_in("Editors")
    tools = list(csv.DictReader(io.StringIO(export(editor, "tools_tool", CSV))))
    assert list(tools[0]) == [*TOOL_HEADER, "updated_at"]
    assert {row["slug"]: row["category"] for row in tools} == {
        "code-llama-4": "developer-tools",
        "mistral-3b": "developer-tools",
    }
    reviews = json.loads(export(editor, "verdicts_review", JSON))
    assert list(reviews[0]) == [*REVIEW_HEADER, "updated_at", "reason"]
    assert {(row["tool"], row["reviewer"], row["score"]) for row in reviews} >= {
        ("code-llama-4", "builder", "84"),
        ("mistral-3b", "founder", "75"),
    }
    assert len(reviews) == 8


def test_an_admin_export_imports_back_unchanged(signed_in, reference_pair):
    editor = signed_in("Editors")
    exported = export(editor, "verdicts_review", CSV)
    before = snapshot()
    first = upload(editor, "verdicts_review", "reviews.csv", exported)
    assert first.status_code == 200
    assert first.context["result"].totals["skip"] == 8
    assert confirm(editor, "verdicts_review", first).status_code == 302
    assert snapshot() == before


def test_editors_import_a_file_after_seeing_what_it_changes(signed_in, reference_pair, panel):
    editor = signed_in("Editors")
    content = as_csv(
        TOOL_HEADER,
        tool_row("aider", "developer-tools"),
        tool_row("mistral-3b", "developer-tools", name="Mistral 3B", tagline="Sharper than ever"),
    )
    first = upload(editor, "tools_tool", "tools.csv", content)
    page = first.content.decode()
    assert "New" in page and "Update" in page and "Sharper than ever" in page
    assert not Tool.objects.filter(slug="aider").exists()  # the first step is a dry run
    assert confirm(editor, "tools_tool", first).status_code == 302
    assert Tool.objects.get(slug="mistral-3b").tagline == "Sharper than ever"
    assert Tool.objects.get(slug="aider").category.slug == "developer-tools"


def test_a_file_with_one_bad_row_shows_its_row_and_field_and_offers_no_import(
    signed_in, reference_pair
):
    editor = signed_in("Editors")
    before = snapshot()
    content = as_csv(
        REVIEW_HEADER,
        review_row("code-llama-4", "builder", score="80"),
        review_row("code-llama-4", "skeptic", score="101"),
    )
    first = upload(editor, "verdicts_review", "reviews.csv", content)
    assert first.status_code == 200
    assert "confirm_form" not in first.context
    [invalid] = first.context["result"].invalid_rows
    assert invalid.number == 2
    assert invalid.error_dict == {"score": ["Ensure this value is less than or equal to 100."]}
    page = first.content.decode()
    assert "Ensure this value is less than or equal to 100." in page
    assert snapshot() == before


def test_the_confirmed_import_rolls_back_whole_if_a_row_fails_by_then(signed_in, reference_pair):
    """Between the dry run and the confirmation someone retires the critic a row names."""
    editor = signed_in("Editors")
    skeptic = Review.objects.get(tool__slug="code-llama-4", reviewer__slug="skeptic")
    content = as_csv(
        REVIEW_HEADER,
        review_row("code-llama-4", "builder", score="80"),
        review_row(
            "code-llama-4", "skeptic", score=str(skeptic.score - 1), verdict=skeptic.verdict
        ),
    )
    first = upload(editor, "verdicts_review", "reviews.csv", content)
    Review.objects.filter(reviewer__slug="skeptic").delete()
    type(reference_pair[0].reviews.first().reviewer).objects.filter(slug="skeptic").delete()
    before = snapshot()
    response = confirm(editor, "verdicts_review", first)
    assert response.url == reverse("admin:verdicts_review_import")
    assert "Nothing was imported" in editor.get(response.url).content.decode()
    assert snapshot() == before
    assert Review.objects.get(tool__slug="code-llama-4", reviewer__slug="builder").score == 84


@pytest.mark.parametrize("group", ["Moderators", "Newsletter"])
def test_other_groups_can_neither_import_nor_export_the_catalogue(signed_in, reference_pair, group):
    client = signed_in(group)
    for model in ("tools_tool", "verdicts_review"):
        assert client.get(reverse(f"admin:{model}_import")).status_code == 403
        assert client.get(reverse(f"admin:{model}_export")).status_code == 403


def test_the_changelists_offer_import_and_export_to_editors(signed_in, reference_pair):
    page = signed_in("Editors").get(reverse("admin:tools_tool_changelist")).content.decode()
    assert reverse("admin:tools_tool_import") in page
    assert reverse("admin:tools_tool_export") in page


def test_a_catalogue_file_larger_than_an_admin_form_imports(signed_in, developer_tools, settings):
    editor = signed_in("Editors")
    long_description = "A long description of what the tool does. " * 60  # 2.6 KB
    content = as_csv(
        TOOL_HEADER,
        *(
            tool_row(f"tool-{n}", "developer-tools", description=long_description)
            for n in range(40)
        ),
    )
    assert settings.MAX_ADMIN_REQUEST_BODY < len(content) < settings.MAX_ADMIN_IMPORT_BODY
    first = upload(editor, "tools_tool", "tools.csv", content)
    assert first.status_code == 200
    assert first.context["result"].totals["new"] == 40
    settings.MAX_ADMIN_IMPORT_BODY = 64 * 1024
    assert upload(editor, "tools_tool", "tools.csv", content).status_code == 413
    # Every other admin form keeps the smaller limit.
    assert editor.post("/admin/tools/tool/add/", {"description": content}).status_code == 413


def test_an_admin_import_refreshes_the_cached_pages_it_changes(client, signed_in, reference_pair):
    editor = signed_in("Editors")
    url = reference_pair[1].get_absolute_url()
    assert "Sharper than ever" not in client.get(url).content.decode()  # now cached
    content = as_csv(
        TOOL_HEADER,
        tool_row("mistral-3b", "developer-tools", name="Mistral 3B", tagline="Sharper than ever"),
    )
    confirm(editor, "tools_tool", upload(editor, "tools_tool", "tools.csv", content))
    assert "Sharper than ever" in client.get(url).content.decode()


@pytest.mark.parametrize("page", ["tools_tool_import", "tools_tool_export"])
def test_the_import_and_export_pages_need_no_inline_script_or_style(signed_in, page):
    """The admin's CSP refuses both: they would be blocked, and the browser would complain."""
    html = signed_in("Editors").get(reverse(f"admin:{page}")).content.decode()
    assert 'style="' not in html
    assert " onchange=" not in html and " onclick=" not in html


FORMULAE = ['=HYPERLINK("http://evil.example")', "+1+2", "-2+3", "@SUM(A1)", "'=quoted", "'-1"]


@pytest.mark.parametrize("text", FORMULAE)
def test_a_csv_export_runs_no_formula_and_imports_back_unchanged(signed_in, reference_pair, text):
    """A cell a spreadsheet would run starts with a quote in the export; the import takes the
    quote off again, so the round trip changes nothing (the JSON export is left as it is)."""
    tool = reference_pair[0]
    Tool.objects.filter(pk=tool.pk).update(tagline=text, pricing_details=text)
    editor = signed_in("Editors")
    exported = export(editor, "tools_tool", CSV)
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(exported))}
    for column in ("tagline", "pricing_details"):
        cell = rows[tool.slug][column]
        assert cell[:1] == "'" and cell[1:] == text
    exported_json = {row["slug"]: row for row in json.loads(export(editor, "tools_tool", JSON))}
    assert exported_json[tool.slug]["tagline"] == text
    before = snapshot()
    first = upload(editor, "tools_tool", "tools.csv", exported)
    assert first.context["result"].totals["skip"] == 2
    assert confirm(editor, "tools_tool", first).status_code == 302
    assert snapshot() == before


@pytest.fixture
def purges_made(monkeypatch):
    """Every purge made (`core.purge.purge` past its gathering): the keys of each, in order."""
    from core import purge as purging

    made = []
    real = purging.pages.bump

    def bump(names, *, editorial=True):
        if editorial and names:
            made.append(sorted(names))
        return real(names, editorial=editorial)

    monkeypatch.setattr(purging.pages, "bump", bump)
    return made


def test_a_file_over_the_row_cap_is_refused_whole_with_a_clear_message(
    signed_in, reference_pair, settings, purges_made
):
    settings.IMPORT_MAX_ROWS = 5
    editor = signed_in("Editors")
    before = snapshot()
    rows = [tool_row(f"tool-{n}", "developer-tools") for n in range(6)]
    first = upload(editor, "tools_tool", "tools.csv", as_csv(TOOL_HEADER, *rows))
    assert first.status_code == 200 and "confirm_form" not in first.context
    assert "This file has 6 rows; one import takes at most 5 here." in first.content.decode()
    assert snapshot() == before and purges_made == []
    # At the cap, it is read as usual.
    first = upload(editor, "tools_tool", "tools.csv", as_csv(TOOL_HEADER, *rows[:5]))
    assert first.context["result"].totals["new"] == 5


def test_a_dry_run_purges_nothing_and_the_import_purges_once(
    signed_in, reference_pair, purges_made
):
    editor = signed_in("Editors")
    rows = [tool_row(f"tool-{n}", "developer-tools") for n in range(30)]
    rows.append(tool_row("mistral-3b", "developer-tools", name="Mistral 3B", tagline="Anew"))
    first = upload(editor, "tools_tool", "tools.csv", as_csv(TOOL_HEADER, *rows))
    assert first.context["result"].totals["new"] == 30
    assert purges_made == []  # the preview changed nothing: nothing to purge
    assert confirm(editor, "tools_tool", first).status_code == 302
    assert Tool.objects.filter(slug__startswith="tool-").count() == 30
    # One purge of everything the rows touched, after the commit (each row used to make its
    # own, before the commit and after it).
    mistral = Tool.objects.get(slug="mistral-3b")
    assert len(purges_made) == 1
    assert f"tool-{mistral.pk}" in purges_made[0] and "tools" in purges_made[0]
