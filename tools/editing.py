"""Edits that never overwrite a colleague's work: what changed since a form was opened.

A tool's change form carries the moment it was opened (`opened_at`). Saving it first locks
the tool's row (so two saves of one tool run one after the other), then looks for any save
of the tool or of its reviews after that moment. If there is one, the save is refused and the
editor is told who changed what and when, with their own input still on the form to merge.
Who and what come from the revision history (django-simple-history); `updated_at` catches a
write that left no history (a queryset update).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format

from tools.models import Tool
from verdicts.models import Review


def now_stamp() -> str:
    return timezone.now().isoformat()


def parse_stamp(value: str | None) -> datetime | None:
    try:
        moment = parse_datetime(value or "")
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        return None
    return moment


def lock_tool(tool_pk: int) -> None:
    """Hold the tool's row until this transaction ends: saves of one tool queue up."""
    list(Tool.objects.select_for_update().filter(pk=tool_pk).values_list("pk", flat=True))


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j M Y, H:i:s")


def _who(record) -> str:
    user = record.history_user
    return user.get_username() if user is not None else "someone (outside the admin)"


def _what(record) -> str:
    if record.history_type == "+":
        return "added it"
    if record.history_type == "-":
        return "deleted it"
    previous = record.prev_record
    if previous is None:
        return "changed it"
    delta = record.diff_against(previous, foreign_keys_are_objs=False)
    fields = [
        f"{record.instance._meta.get_field(change.field).verbose_name} "
        f"{change.old!s:.40} → {change.new!s:.40}"
        for change in delta.changes
    ]
    return "changed " + "; ".join(fields) if fields else "saved it without changes"


def changes_since(tool_pk: int, opened: datetime, *, review_pk: int | None = None) -> list[str]:
    """What was saved to the tool or its reviews (or one review) after `opened`, described."""
    lines = []
    review_filter = Q(tool_id=tool_pk) if review_pk is None else Q(id=review_pk)
    if review_pk is None:
        for record in (
            Tool.history.filter(id=tool_pk, history_date__gt=opened)
            .select_related("history_user")
            .order_by("history_date")
        ):
            lines.append(f"{_who(record)}, {_when(record.history_date)}: the tool: {_what(record)}")
    for record in (
        Review.history.filter(review_filter, history_date__gt=opened)
        .select_related("history_user", "reviewer")
        .order_by("history_date")
    ):
        lines.append(
            f"{_who(record)}, {_when(record.history_date)}: "
            f"{record.reviewer.name}'s review: {_what(record)}"
        )
    if not lines:
        touched = Tool.objects.filter(pk=tool_pk, updated_at__gt=opened).exists() or (
            Review.objects.filter(review_filter, updated_at__gt=opened).exists()
        )
        if touched:
            lines.append("someone saved it after you opened this form")
    return lines
