"""Reads for public pages: each tool's fact checks and accepted corrections, riding on the query
that fetches the tools (JSON subqueries), so pages showing them cost no extra query.

    tools = Tool.objects.published().for_cards().annotate(**trust_annotations())
    checks_by_fact(tool)["pricing"]  # a FactCheck, or no key when the fact was never checked
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import JSONBAgg
from django.db.models import OuterRef, Subquery
from django.db.models.functions import JSONObject

from trust.models import Correction, FactCheck

PUBLIC_CORRECTIONS = 10  # the most recent accepted corrections a tool page lists
CHECK_FIELDS = ("id", "fact", "basis", "checked_on", "changed_on", "source_url")
CORRECTION_FIELDS = ("id", "fact", "public_summary", "handled_at")


def _rows(queryset, fields: tuple[str, ...], **ordering) -> Subquery:
    """One JSON array per tool of `fields` of its rows in `queryset`."""
    rows = JSONBAgg(JSONObject(**{name: name for name in fields}), **ordering)
    return Subquery(
        queryset.filter(tool=OuterRef("pk"))
        .order_by()
        .values("tool")
        .annotate(rows=rows)
        .values("rows")
    )


def trust_annotations(*, corrections: bool = False) -> dict[str, Subquery]:
    """Annotations for a Tool queryset: its fact checks (and its accepted corrections)."""
    found = {"fact_checks_data": _rows(FactCheck.objects.all(), CHECK_FIELDS)}
    if corrections:
        found["corrections_data"] = _rows(
            Correction.objects.filter(status=Correction.Status.ACCEPTED),
            CORRECTION_FIELDS,
            order_by="-handled_at",
        )
    return found


def checks_by_fact(tool) -> dict[str, FactCheck]:
    """The tool's checks by fact name, from `trust_annotations()` (or one query without)."""
    if not hasattr(tool, "fact_checks_data"):
        return {check.fact: check for check in FactCheck.objects.filter(tool_id=tool.pk)}
    checks = {}
    for row in tool.fact_checks_data or []:
        row["checked_on"] = datetime.date.fromisoformat(row["checked_on"])
        row["changed_on"] = row["changed_on"] and datetime.date.fromisoformat(row["changed_on"])
        checks[row["fact"]] = FactCheck(tool_id=tool.pk, **row)
    return checks


def accepted_corrections(tool) -> list[Correction]:
    """The tool's accepted corrections, latest first, from `trust_annotations(corrections=True)`
    (or one query without)."""
    if not hasattr(tool, "corrections_data"):
        found = Correction.objects.accepted().filter(tool_id=tool.pk)
        return list(found.only(*CORRECTION_FIELDS)[:PUBLIC_CORRECTIONS])
    corrections = []
    for row in (tool.corrections_data or [])[:PUBLIC_CORRECTIONS]:
        row["handled_at"] = row["handled_at"] and datetime.datetime.fromisoformat(row["handled_at"])
        corrections.append(Correction(tool_id=tool.pk, **row))
    return corrections


@dataclass
class TrustRecord:
    """What a tool page says about its facts: each one's check, and the accepted corrections."""

    checks: dict[str, FactCheck] = field(default_factory=dict)
    corrections: list[Correction] = field(default_factory=list)


def trust_record(tool) -> TrustRecord:
    return TrustRecord(checks=checks_by_fact(tool), corrections=accepted_corrections(tool))
