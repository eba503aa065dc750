"""One dated history per tool: its own revisions, its reviews', its fact checks', its model
figures', the readers' reports decided and the catalogue changes, newest first, each with what
changed in full (old → new) and a revert where one makes sense (the tool's and its reviews'
earlier versions, through the same checks as an edit: core.admin.AtomicRevert).

Diffs are worked out by comparing each revision with the one before it of the same object, in
memory: a handful of queries however long the history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.urls import reverse

from modelspecs.models import CatalogueChange, ModelSpec
from tools.models import Category, Tool
from trust.models import Correction, FactCheck
from verdicts.models import Review

LIMIT = 300  # revisions read per kind of object


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime
    who: str
    what: str  # "The tool", "The Builder's review", "Fact check: Licence", ...
    action: str  # "created", "changed", "deleted", "saved without changes", "approved", ...
    changes: list[Change] = field(default_factory=list)
    reason: str = ""
    revert_url: str = ""


def _shown(value) -> str:
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _revisions(records, label, *, revert: str = "", names: dict | None = None) -> list[Entry]:
    """Entries for the revisions of one kind of object (a history queryset), diffed in order."""
    rows = list(
        records.select_related("history_user").order_by("-history_date", "-history_id")[:LIMIT]
    )
    rows.reverse()
    if not rows:
        return []
    model = rows[0].instance_type
    fields = [
        f
        for f in rows[0]._meta.fields
        if not f.name.startswith("history_") and f.name not in ("id",)
    ]
    newest = {}
    for row in rows:
        newest[row.id] = row.history_id
    previous: dict[int, object] = {}
    entries = []
    for row in rows:
        before = previous.get(row.id)
        changes = []
        if before is not None:
            for f in fields:
                old, new = getattr(before, f.attname), getattr(row, f.attname)
                if old != new:
                    if names and f.name in names:
                        old, new = names[f.name].get(old, old), names[f.name].get(new, new)
                    verbose = model._meta.get_field(f.name).verbose_name
                    changes.append(Change(str(verbose), _shown(old), _shown(new)))
        action = {"+": "created", "-": "deleted"}.get(row.history_type) or (
            "changed"
            if changes
            else "saved (the earliest revision kept)"
            if before is None
            else "saved without changes"
        )
        url = ""
        if revert and row.history_type != "-" and row.history_id != newest[row.id]:
            url = reverse(revert, args=[row.id, row.history_id])
        entries.append(
            Entry(
                when=row.history_date,
                who=row.history_user.get_username() if row.history_user else "import or shell",
                what=label(row),
                action=action,
                changes=changes,
                reason=row.history_change_reason or "",
                revert_url=url,
            )
        )
        previous[row.id] = row
    return entries


def timeline(tool: Tool) -> list[Entry]:
    critics = Review._meta.get_field("reviewer").related_model.objects.all()
    reviewers = {critic.pk: critic.name for critic in critics}
    categories = {c.pk: c.name for c in Category.objects.all()}
    entries = _revisions(
        Tool.history.filter(id=tool.pk),
        lambda row: "The tool",
        revert="admin:tools_tool_simple_history",
        names={"category": categories},
    )
    entries += _revisions(
        Review.history.filter(tool_id=tool.pk),
        lambda row: f"{reviewers.get(row.reviewer_id, 'A critic')}'s review",
        revert="admin:verdicts_review_simple_history",
        names={"reviewer": reviewers},
    )
    facts = dict(FactCheck._meta.get_field("fact").choices)
    entries += _revisions(
        FactCheck.history.filter(tool_id=tool.pk),
        lambda row: f"Fact check: {facts.get(row.fact, row.fact)}",
    )
    entries += _revisions(ModelSpec.history.filter(tool_id=tool.pk), lambda row: "Model figures")
    for report in Correction.objects.filter(tool=tool).exclude(status=Correction.Status.NEW):
        if report.handled_at is None:
            continue
        changes = (
            [Change(report.fixed_field, _shown(report.fixed_before), _shown(report.fixed_after))]
            if report.fixed_field
            else []
        )
        entries.append(
            Entry(
                when=report.handled_at,
                who=report.handled_by.get_username() if report.handled_by else "",
                what=f"Report of an error ({report.get_fact_display().lower()})",
                action=report.get_status_display().lower(),
                changes=changes,
                reason=report.reply,
            )
        )
    for change in CatalogueChange.objects.filter(spec__tool=tool).select_related("decided_by"):
        before, after = change.values("before"), change.values("after")
        entries.append(
            Entry(
                when=change.decided_at or change.created_at,
                who=change.decided_by.get_username() if change.decided_by else change.source,
                what="Catalogue change",
                action=change.get_status_display().lower(),
                changes=[
                    Change(
                        str(ModelSpec._meta.get_field(name).verbose_name),
                        _shown(before.get(name)),
                        _shown(value),
                    )
                    for name, value in sorted(after.items())
                ],
            )
        )
    return sorted(entries, key=lambda entry: entry.when, reverse=True)
