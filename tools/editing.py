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

from core.history import saves_since, what, when, who
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


def changes_since(tool_pk: int, opened: datetime, *, review_pk: int | None = None) -> list[str]:
    """What was saved to the tool or its reviews (or one review) after `opened`, described."""
    lines = []
    review_filter = Q(tool_id=tool_pk) if review_pk is None else Q(id=review_pk)
    if review_pk is None:
        lines += saves_since(Tool.history.filter(id=tool_pk), opened, "the tool: ")
    for record in (
        Review.history.filter(review_filter, history_date__gt=opened)
        .select_related("history_user", "reviewer")
        .order_by("history_date")
    ):
        lines.append(
            f"{who(record)}, {when(record.history_date)}: "
            f"{record.reviewer.name}'s review: {what(record)}"
        )
    if not lines:
        touched = Tool.objects.filter(pk=tool_pk, updated_at__gt=opened).exists() or (
            Review.objects.filter(review_filter, updated_at__gt=opened).exists()
        )
        if touched:
            lines.append("someone saved it after you opened this form")
    return lines
