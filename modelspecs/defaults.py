"""The uses the site starts with (the cost calculator's three typical uses before they became
rows), with what a model needs for each. The data migration seeds them; tests that flush the
database (browser tests) seed them again the same way.

Takes the model classes as arguments, so a migration can pass its historical ones."""

from __future__ import annotations

DEFAULT_USES = [
    {
        "slug": "chat",
        "label": "Chat app",
        "volume_label": "1M messages a month",
        "order": 1,
        "input_tokens": 1_000_000_000,
        "output_tokens": 300_000_000,
    },
    {
        "slug": "docs",
        "label": "Document Q&A",
        "volume_label": "100K questions a month",
        "order": 2,
        "min_context": 128_000,
        "input_tokens": 400_000_000,
        "output_tokens": 40_000_000,
    },
    {
        "slug": "agent",
        "label": "Coding agent",
        "volume_label": "10K tasks a month",
        "order": 3,
        "needs_tool_calling": True,
        "min_context": 200_000,
        "input_tokens": 500_000_000,
        "output_tokens": 50_000_000,
    },
]
# What a pick reads of a use that DEFAULT_USES leaves at its default, for the version snapshot.
UNSET = {
    "volume_label": "",
    "needs_tool_calling": False,
    "needs_reasoning": False,
    "needs_open_weights": False,
    "min_context": 0,
    "needs_inputs": [],
}


def seed_default_uses(use_model, method_model) -> None:
    """The default uses and version 1 of the method, when there are none yet."""
    if use_model.objects.exists():
        return
    for fields in DEFAULT_USES:
        use_model.objects.create(**fields)
    if not method_model.objects.exists():
        method_model.objects.create(
            number=1,
            note="First version: the pick by the numbers for chat apps, document Q&A and coding "
            "agents.",
            rules=1,
            uses=[{**UNSET, **fields} for fields in DEFAULT_USES],
        )
