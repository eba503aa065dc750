"""Versions of the pick by the numbers: each change to the uses (or to the rules in
modelspecs/picks.py) makes a new dated `PickMethod`, which keeps the uses as they now stand and
lists the comparisons whose pick the change flipped, found by deciding every comparison of two
published models under the old version and the new.

    record_method_version(note="Coding agents now need 256K of context.")
"""

from __future__ import annotations

from itertools import combinations

from django.db import transaction

from core.publishing import live_q
from modelspecs.models import ModelSpec, PickMethod, Use
from modelspecs.picks import RULES_VERSION, decide, standing

# What a pick reads of a use, and what a version keeps of each.
SNAPSHOT_FIELDS = [
    "slug",
    "label",
    "volume_label",
    "order",
    "needs_tool_calling",
    "needs_reasoning",
    "needs_open_weights",
    "min_context",
    "needs_inputs",
    "input_tokens",
    "output_tokens",
]
FLIPS_KEPT = 200  # listed on the methodology page; the count covers every one


def snapshot(uses: list[Use]) -> list[dict]:
    return [{name: getattr(use, name) for name in SNAPSHOT_FIELDS} for use in uses]


def uses_from(rows: list[dict]) -> list[Use]:
    """Unsaved `Use` rows from a version's snapshot: picks run on them as on saved ones."""
    return [Use(**{name: row[name] for name in SNAPSHOT_FIELDS if name in row}) for row in rows]


def pair_picks(models: list, uses: list[Use]) -> dict[tuple[str, str], str]:
    """{("a-vs-b", use slug): the picked tool's name, or ""} for every pair of these models.
    Each model's standing for a use is worked out once, not once per pair."""
    found = {}
    for use in uses:
        standings = {model.pk: standing(model, use) for model in models}
        for first, second in combinations(sorted(models, key=lambda tool: tool.slug), 2):
            picked = decide(use, [standings[first.pk], standings[second.pk]]).pick
            found[(f"{first.slug}-vs-{second.slug}", use.slug)] = picked.name if picked else ""
    return found


def published_models() -> list:
    """The live tools that are models, each with its figures loaded."""
    specs = ModelSpec.objects.filter(live_q("tool__")).select_related("tool")
    models = []
    for spec in specs:
        spec.tool.model_spec = spec  # spec_of(tool) reads it without a query
        models.append(spec.tool)
    return models


def flipped_picks(before: list[Use], after: list[Use], models: list) -> list[dict]:
    """The comparisons (pair and use) whose pick differs between two sets of uses."""
    old, new = pair_picks(models, before), pair_picks(models, after)
    labels = {use.slug: use.label for use in [*before, *after]}
    return [
        {"pair": pair, "use": labels[slug], "before": old.get((pair, slug), ""), "after": picked}
        for (pair, slug), picked in sorted(new.items())
        if old.get((pair, slug), "") != picked
    ] + [
        {"pair": pair, "use": labels[slug], "before": picked, "after": ""}
        for (pair, slug), picked in sorted(old.items())
        if (pair, slug) not in new and picked
    ]


def record_method_version(*, note: str = "") -> PickMethod | None:
    """A new version when the active uses (or the rules) differ from the latest version's;
    None when nothing a pick reads has changed."""
    with transaction.atomic():
        latest = PickMethod.objects.select_for_update().order_by("-number").first()
        current = list(Use.objects.filter(is_active=True))
        rows = snapshot(current)
        if latest is not None and latest.uses == rows and latest.rules == RULES_VERSION:
            return None
        before = uses_from(latest.uses) if latest is not None else []
        flips = flipped_picks(before, current, published_models())
        return PickMethod.objects.create(
            number=(latest.number if latest else 0) + 1,
            note=note,
            rules=RULES_VERSION,
            uses=rows,
            flipped=flips[:FLIPS_KEPT],
            flipped_count=len(flips),
        )
