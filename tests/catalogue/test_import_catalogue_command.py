"""`manage.py import_catalogue FILE... [--dry-run]`: all or nothing, errors by line and field."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.catalogue.conftest import REVIEW_HEADER, TOOL_HEADER, review_row, tool_row
from tests.factories import CategoryFactory
from tools.models import Tool
from tools.resources import ToolResource
from verdicts.models import Review
from verdicts.resources import ReviewResource

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_catalogue", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_catalogue", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot() -> list[tuple]:
    """Every stored value of every tool and review, timestamps included."""
    return [
        *Tool.objects.order_by("pk").values_list(),
        *Review.objects.order_by("pk").values_list(),
    ]


@pytest.fixture
def coding(db):
    return CategoryFactory(name="Coding", slug="coding")


def test_it_imports_new_tools_and_their_reviews(write_csv, panel, coding):
    tools = write_csv("tools.csv", TOOL_HEADER, tool_row("aider", "coding"))
    reviews = write_csv(
        "reviews.csv",
        REVIEW_HEADER,
        review_row("aider", "builder", score="88"),
        review_row("aider", "skeptic", score="41", verdict="skip", status="draft"),
    )
    out, _ = run(reviews, tools)  # in any order: tools go first
    assert "tools.csv (tools): 1 new, 0 changed, 0 unchanged" in out
    assert "reviews.csv (reviews): 2 new" in out
    tool = Tool.objects.get(slug="aider")
    assert (tool.name, tool.category, str(tool.release_date)) == ("Aider", coding, "2026-03-01")
    reviews = tool.reviews.values_list("reviewer__slug", "score", "verdict", "status")
    assert sorted(reviews) == [
        ("builder", 88, "ship", "published"),
        ("skeptic", 41, "skip", "draft"),
    ]


def test_it_updates_rows_found_by_their_natural_keys(write_csv, make_reviewed_tool):
    tool = make_reviewed_tool((84, "ship"), slug="aider")
    review = tool.reviews.get()
    row = review_row("aider", "builder", score="45", verdict="skip")
    path = write_csv("reviews.csv", [*REVIEW_HEADER, "reason"], [*row, "It stopped working."])
    out, _ = run(path)
    assert "1 changed" in out
    assert "line 2: " in out and "score, verdict" in out
    review.refresh_from_db()
    assert (review.pk, review.score, review.verdict) == (review.pk, 45, "skip")
    assert review.changes.get().reason == "It stopped working."


def test_one_bad_row_changes_nothing_and_is_named_by_line_and_field(
    write_csv, make_reviewed_tool, coding
):
    make_reviewed_tool((84, "ship"), slug="aider")
    before = snapshot()
    tools = write_csv(
        "tools.csv",
        TOOL_HEADER,
        tool_row("aider", "coding", tagline="Changed"),
        tool_row("new-tool", "coding"),
    )
    reviews = write_csv(
        "reviews.csv",
        REVIEW_HEADER,
        review_row("aider", "builder", score="80"),
        review_row("aider", "skeptic", score="101"),
        review_row("new-tool", "builder"),
    )
    _, errors = refused(tools, reviews)
    assert errors.splitlines() == [
        "reviews.csv line 3, score: Ensure this value is less than or equal to 100."
    ]
    assert snapshot() == before
    assert not Tool.objects.filter(slug="new-tool").exists()


@pytest.mark.parametrize(
    "changes,expected",
    [
        ({"category": "nope"}, "line 2, category: No category has the slug 'nope'."),
        ({"pricing_model": "cheap"}, "line 2, pricing_model: Value 'cheap' is not a valid"),
        ({"status": "live"}, "line 2, status: Value 'live' is not a valid choice."),
        ({"slug": "a-vs-b"}, "line 2, slug: A tool's slug may not contain '-vs-'"),
        ({"slug": "Not A Slug"}, "line 2, slug: Use lowercase letters"),
        ({"release_date": "next June"}, "line 2, release_date: "),
        ({"name": ""}, "line 2, name: This field cannot be blank."),
    ],
)
def test_each_kind_of_bad_tool_value_is_named_on_its_column(write_csv, coding, changes, expected):
    row = tool_row(**{"slug": "aider", "category": "coding", **changes})
    path = write_csv("tools.csv", TOOL_HEADER, row)
    _, errors = refused(path)
    assert f"tools.csv {expected}" in errors
    assert not Tool.objects.exists()


def test_an_unknown_tool_or_critic_in_a_review_key_is_named_on_its_column(
    write_csv, make_reviewed_tool
):
    make_reviewed_tool((84, "ship"), slug="aider")
    path = write_csv(
        "reviews.csv",
        REVIEW_HEADER,
        review_row("missing", "builder"),
        review_row("aider", "nobody"),
        review_row("aider", "builder", published_at="soon"),
    )
    _, errors = refused(path)
    lines = errors.splitlines()
    assert lines[0] == "reviews.csv line 2, tool: No tool has the slug 'missing'."
    assert lines[1] == "reviews.csv line 3, reviewer: No reviewer has the slug 'nobody'."
    assert lines[2].startswith("reviews.csv line 4, published_at: 'soon' is not a date and time")


def test_a_row_twice_in_one_file_is_an_error_not_a_silent_overwrite(write_csv, coding):
    path = write_csv(
        "tools.csv",
        TOOL_HEADER,
        tool_row("aider", "coding"),
        tool_row("aider", "coding", tagline="Second"),
    )
    _, errors = refused(path)
    assert errors.strip() == "tools.csv line 3, slug: Row 1 has the same slug."
    assert not Tool.objects.exists()


def test_lines_are_counted_in_the_file_even_when_a_value_spans_lines(write_csv, panel, coding):
    write_csv("tools.csv", TOOL_HEADER, tool_row("aider", "coding"))
    path = write_csv(
        "reviews.csv",
        REVIEW_HEADER,
        review_row("aider", "builder", body="First paragraph.\n\nSecond paragraph."),
        review_row("aider", "skeptic", verdict="meh"),
    )
    _, errors = refused(path.parent / "tools.csv", path)
    assert errors.startswith("reviews.csv line 5, verdict: ")


def test_a_dry_run_says_what_would_change_and_changes_nothing(
    write_csv, make_reviewed_tool, coding
):
    make_reviewed_tool(
        (84, "ship"),
        **{**dict(zip(TOOL_HEADER, tool_row("aider", "coding"), strict=True)), "category": coding},
    )
    before = snapshot()
    path = write_csv(
        "tools.csv",
        TOOL_HEADER,
        tool_row("aider", "coding", tagline="Sharper", licence="Apache 2.0"),
        tool_row("cline", "coding"),
    )
    out, _ = run(path, "--dry-run")
    assert "tools.csv (tools): 1 new, 1 changed, 0 unchanged" in out
    assert "line 2: Aider: tagline, licence" in out  # the other columns are as stored
    assert "line 3: new Cline" in out
    assert "Dry run: nothing was changed." in out
    assert snapshot() == before


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_an_export_imports_back_unchanged(tmp_path, reference_pair, neighbours, file_format):
    tools, reviews = tmp_path / f"tools.{file_format}", tmp_path / f"reviews.{file_format}"
    tools.write_text(getattr(ToolResource().export(), file_format))
    reviews.write_text(getattr(ReviewResource().export(), file_format))
    before = snapshot()
    out, _ = run(tools, reviews)
    assert f"tools.{file_format} (tools): 0 new, 0 changed, 5 unchanged" in out
    assert f"reviews.{file_format} (reviews): 0 new, 0 changed, 8 unchanged" in out
    assert snapshot() == before


def test_json_errors_name_the_record(tmp_path, coding):
    path = tmp_path / "tools.json"
    path.write_text(
        json.dumps(
            [dict(zip(TOOL_HEADER, tool_row(slug, "coding"), strict=True)) for slug in ("a", "b")]
            + [dict(zip(TOOL_HEADER, tool_row("c", "nope"), strict=True))]
        )
    )
    _, errors = refused(path)
    assert errors.strip() == "tools.json row 3, category: No category has the slug 'nope'."
    assert not Tool.objects.exists()


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("tools.txt", "slug\n", "not a .csv or .json file"),
        ("tools.csv", "colour,size\nred,9\n", "no tool or review columns"),
        ("tools.json", "{not json", "unreadable as json"),
        ("tools.csv", b"slug\n\xff\xfe\n", "not UTF-8 text"),
    ],
)
def test_an_unreadable_file_is_refused_with_a_reason(tmp_path, db, name, content, message):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(CommandError, match=message):
        call_command("import_catalogue", str(path), stdout=io.StringIO())


def test_an_import_refreshes_the_cached_pages_it_changes(client, write_csv, reference_pair):
    tool = reference_pair[0]
    url = tool.get_absolute_url()
    assert "Sharper than ever" not in client.get(url).content.decode()  # now cached
    path = write_csv(
        "tools.csv",
        TOOL_HEADER,
        tool_row(tool.slug, "developer-tools", name=tool.name, tagline="Sharper than ever"),
    )
    run(path)
    assert "Sharper than ever" in client.get(url).content.decode()


def test_an_import_is_recorded_in_the_revision_history(write_csv, panel, coding):
    run(write_csv("tools.csv", TOOL_HEADER, tool_row("aider", "coding")))
    tool = Tool.objects.get(slug="aider")
    assert [record.history_type for record in tool.history.all()] == ["+"]
    changed = tool_row("aider", "coding", tagline="Pair programming in your terminal")
    run(write_csv("tools.csv", TOOL_HEADER, changed))
    latest = tool.history.first()
    assert (latest.history_type, latest.tagline) == ("~", "Pair programming in your terminal")
    assert latest.diff_against(latest.prev_record).changed_fields == ["tagline"]


def test_the_command_takes_any_size_purges_once_and_not_on_a_dry_run(
    write_csv, coding, settings, monkeypatch
):
    from core import purge as purging

    made = []
    real = purging.pages.bump
    monkeypatch.setattr(
        purging.pages,
        "bump",
        lambda names, *, editorial=True: (
            (editorial and names and made.append(names)) or real(names, editorial=editorial)
        ),
    )
    settings.IMPORT_MAX_ROWS = 3  # the admin's cap: the command is outside any request
    path = write_csv("tools.csv", TOOL_HEADER, *[tool_row(f"t-{n}", "coding") for n in range(8)])
    run(path, "--dry-run")
    assert made == [] and not Tool.objects.exists()
    run(path)
    assert Tool.objects.count() == 8
    assert len(made) == 1 and "tools" in made[0]
