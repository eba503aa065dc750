"""Saves since a moment, described from the revision history (django-simple-history): who,
when, and each field's old and new value in full. Used to explain a refused save or import."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format


def when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j M Y, H:i:s")


def who(record) -> str:
    user = record.history_user
    return user.get_username() if user is not None else "someone (outside the admin)"


def _shown(value) -> str:
    return "(empty)" if value in (None, "") else str(value)


def what(record) -> str:
    if record.history_type == "+":
        return "added it"
    if record.history_type == "-":
        return "deleted it"
    previous = record.prev_record
    if previous is None:
        # No earlier revision to compare with (made before history was kept).
        return "saved it"
    delta = record.diff_against(previous, foreign_keys_are_objs=False)
    fields = [
        f"{record.instance._meta.get_field(change.field).verbose_name} "
        f"“{_shown(change.old)}” → “{_shown(change.new)}”"
        for change in delta.changes
    ]
    return "changed " + "; ".join(fields) if fields else "saved it without changes"


def saves_since(records, moment: datetime, label: str = "") -> list[str]:
    """One line per revision in `records` (a history queryset) after `moment`, oldest first."""
    return [
        f"{who(record)}, {when(record.history_date)}: {label}{what(record)}"
        for record in records.filter(history_date__gt=moment)
        .select_related("history_user")
        .order_by("history_date")
    ]
