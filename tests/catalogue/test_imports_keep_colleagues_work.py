"""An import never undoes a colleague's later edit, and never flips a published verdict without
a reason: a row whose object was saved after the file was exported is refused with who changed
what (unless the row says to overwrite), and a flip needs a `reason` column."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from django.utils import timezone

from tests.admin_forms import form_data
from tests.catalogue.test_admin_import_export import CSV, confirm, export, upload
from tests.editorial.test_workflow import change_url, staff
from tools.models import Tool
from verdicts.models import Review, VerdictChange

pytestmark = pytest.mark.django_db


def rows(content: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content)))


def as_file(records: list[dict], **extra_columns) -> str:
    buffer = io.StringIO()
    columns = [*records[0], *extra_columns]
    writer = csv.DictWriter(buffer, columns)
    writer.writeheader()
    for record in records:
        writer.writerow({**record, **extra_columns})
    return buffer.getvalue()


@pytest.fixture
def bob():
    return staff("bob")


def bobs_edit(bob, tool: Tool, **changes) -> None:
    data = form_data(bob.get(change_url(tool)))
    data.update(changes)
    assert bob.post(change_url(tool), data).status_code == 302


def test_a_row_exported_before_a_colleagues_edit_is_refused_with_who_and_what(
    signed_in, bob, reference_pair
):
    editor = signed_in("Editors")
    tool = reference_pair[1]
    start = timezone.now()
    with time_machine.travel(start, tick=False):  # 10:00 the file is exported
        records = rows(export(editor, "tools_tool", CSV))
    with time_machine.travel(start.replace(microsecond=0) + timezone.timedelta(minutes=15)):
        bobs_edit(bob, tool, tagline="Bob's tagline of 10:15")  # 10:15 Bob edits
    mine = next(r for r in records if r["slug"] == tool.slug)
    mine["maker"] = "Mistral AI SAS"  # 10:30 the editor imports her own change
    first = upload(editor, "tools_tool", "tools.csv", as_file(records))
    assert "confirm_form" not in first.context
    page = first.content.decode()
    assert "changed after the file was exported" in page and "bob" in page
    assert "Bob&#x27;s tagline of 10:15" in page
    tool.refresh_from_db()
    assert (tool.tagline, tool.maker) == ("Bob's tagline of 10:15", "Mistral AI")
    # The unchanged row of the other tool was never the problem: a fresh export imports.
    fresh = rows(export(editor, "tools_tool", CSV))
    next(r for r in fresh if r["slug"] == tool.slug)["maker"] = "Mistral AI SAS"
    again = upload(editor, "tools_tool", "tools.csv", as_file(fresh))
    assert confirm(editor, "tools_tool", again).status_code == 302
    tool.refresh_from_db()
    assert (tool.tagline, tool.maker) == ("Bob's tagline of 10:15", "Mistral AI SAS")


def test_a_row_that_says_overwrite_replaces_the_later_edit(signed_in, bob, reference_pair):
    editor = signed_in("Editors")
    tool = reference_pair[1]
    records = rows(export(editor, "tools_tool", CSV))
    bobs_edit(bob, tool, tagline="Bob's tagline")
    first = upload(editor, "tools_tool", "tools.csv", as_file(records, overwrite="1"))
    assert confirm(editor, "tools_tool", first).status_code == 302
    tool.refresh_from_db()
    assert tool.tagline == "A small open model that runs fast on the device"


def test_a_stale_row_that_changes_nothing_is_simply_skipped(signed_in, bob, reference_pair):
    editor = signed_in("Editors")
    tool = reference_pair[1]
    records = rows(export(editor, "tools_tool", CSV))
    tool.tagline = "Bob's tagline"
    tool.save()
    next(r for r in records if r["slug"] == tool.slug)["tagline"] = "Bob's tagline"
    first = upload(editor, "tools_tool", "tools.csv", as_file(records))
    assert first.context["result"].totals["skip"] == 2


def test_a_hand_made_file_without_export_times_still_imports(signed_in, bob, reference_pair):
    editor = signed_in("Editors")
    records = rows(export(editor, "tools_tool", CSV))
    bobs_edit(bob, reference_pair[1], tagline="Bob's tagline")
    for record in records:
        del record["updated_at"]
        record["maker"] = "Someone"
    first = upload(editor, "tools_tool", "tools.csv", as_file(records))
    assert confirm(editor, "tools_tool", first).status_code == 302
    assert set(Tool.objects.values_list("maker", flat=True)) == {"Someone"}


def test_a_review_flip_by_import_needs_a_reason_and_records_it(signed_in, reference_pair):
    editor = signed_in("Editors")
    records = rows(export(editor, "verdicts_review", CSV))
    builder = next(r for r in records if r["tool"] == "code-llama-4" and r["reviewer"] == "builder")
    builder.update(score="40", verdict="skip")
    first = upload(editor, "verdicts_review", "reviews.csv", as_file(records))
    assert "confirm_form" not in first.context
    assert "say why in a “reason” column" in first.content.decode()
    assert not VerdictChange.objects.exists()

    builder["reason"] = "The licence now forbids commercial use."
    first = upload(editor, "verdicts_review", "reviews.csv", as_file(records))
    assert confirm(editor, "verdicts_review", first).status_code == 302
    change = VerdictChange.objects.get()
    assert (change.old_verdict, change.new_verdict, change.reason) == (
        "ship",
        "skip",
        "The licence now forbids commercial use.",
    )
    review = Review.objects.get(tool__slug="code-llama-4", reviewer__slug="builder")
    assert (review.score, review.verdict) == (40, "skip")
