"""Catalogue refreshes as a reviewed change set: an import of a newer models.dev snapshot
stages each known model's changed figures (modelspecs.CatalogueChange) instead of writing
them; an editor approves or rejects them in the admin, in bulk. Approving writes the figures
(with history; tools/signals.py then brings the tool's own entry price and pricing text in
line with them), marks the tool changed and purges its pages (the model signals). New models
are not staged: they arrive as draft tools, which nobody sees until an editor publishes them.

MODELS_DEV_STAGE_CHANGES (on by default) and `import_models_dev --apply` let an operator
write the figures at once instead.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from modelspecs.formats import dollars
from modelspecs.models import CatalogueChange, ModelSpec
from tools.models import Tool

Status = CatalogueChange.Status


def derived_pricing(spec: ModelSpec) -> dict[str, str] | None:
    """A priced model's entry price and pricing text, from its figures (None if unpriced): the
    page can then never print one price in the text and another in the figures."""
    if spec.input_price is None or spec.output_price is None:
        return None
    return {
        "entry_price": f"{dollars(spec.input_price)} / 1M input tokens",
        "pricing_details": (
            f"{dollars(spec.input_price)} input, {dollars(spec.output_price)} output per 1M tokens"
        ),
    }


def bring_text_in_line(tool: Tool, spec: ModelSpec, reason: str, user=None) -> None:
    """Save the tool with its pricing text derived from the figures: updated_at moves, a
    history entry says why, and the tool's pages are purged (tools/signals.py)."""
    for name, value in (derived_pricing(spec) or {}).items():
        setattr(tool, name, value)
    tool._change_reason = reason
    if user is not None:
        tool._history_user = user
    tool.save()


def stage(spec: ModelSpec, values: dict, *, source: str, taken_on) -> str:
    """Record what a snapshot would change on `spec`: "staged", or "unchanged" if it matches
    the figures already stored (a pending change the catalogue has since undone goes)."""
    changed = {name for name, value in values.items() if getattr(spec, name) != value} - {"source"}
    pending = CatalogueChange.objects.filter(spec=spec, status=Status.PENDING).first()
    if not changed:
        if pending is not None:
            pending.delete()
        return "unchanged"
    before = {name: getattr(spec, name) for name in sorted(changed)}
    after = {name: values[name] for name in sorted(changed)}
    if pending is not None and pending.values("after") == after:
        return "unchanged"  # staged already, by an import of the same snapshot
    rejected = spec.catalogue_changes.filter(status=Status.REJECTED).first()
    if pending is None and rejected is not None and rejected.values("after") == after:
        return "unchanged"  # an editor said no to exactly these figures
    change = pending or CatalogueChange(spec=spec)
    change.before, change.after = before, after
    change.source, change.taken_on, change.created_at = source, taken_on, timezone.now()
    change.full_clean(exclude=["spec", "before", "after"])
    change.save()
    change.refresh_from_db(fields=["before", "after"])  # as JSON stores it
    return "staged"


@transaction.atomic
def approve(change: CatalogueChange, user) -> bool:
    """Write a pending change's figures; False if it was decided already (by a colleague)."""
    from tools.models_dev import record_checks  # the import's own rules for fact checks

    change = CatalogueChange.objects.select_for_update().select_related("spec").get(pk=change.pk)
    if change.status != Status.PENDING:
        return False
    spec = change.spec
    after = change.values("after")
    for name, value in after.items():
        setattr(spec, name, value)
    spec.source = change.source
    reason = f"Approved from the {change.source} by {user.get_username()}"
    spec._change_reason = reason
    spec._history_user = user
    spec.full_clean(exclude=["tool"])
    spec.save()  # new prices also rewrite the tool's price text (tools/signals.py)
    record_checks(spec, set(after), change.taken_on)
    # Marked changed whatever changed ("Updated" on the page, the admin's list, the sitemap).
    Tool.objects.filter(pk=spec.tool_id).update(updated_at=timezone.now())
    change.status, change.decided_by, change.decided_at = Status.APPROVED, user, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    return True


def reject(change: CatalogueChange, user) -> bool:
    updated = CatalogueChange.objects.filter(pk=change.pk, status=Status.PENDING).update(
        status=Status.REJECTED, decided_by=user, decided_at=timezone.now()
    )
    return bool(updated)
