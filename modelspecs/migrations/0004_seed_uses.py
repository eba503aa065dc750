"""The three typical uses the cost calculator had as settings (MODEL_COST_PRESETS), now rows
editors keep, with what a model needs for each; and version 1 of the pick method."""

from django.db import migrations

USES = [
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
# The fields a pick reads (modelspecs.method.SNAPSHOT_FIELDS), as they stand in version 1.
DEFAULTS = {
    "needs_tool_calling": False,
    "needs_reasoning": False,
    "needs_open_weights": False,
    "min_context": 0,
    "needs_inputs": [],
}


def seed(apps, schema_editor):
    Use = apps.get_model("modelspecs", "Use")
    PickMethod = apps.get_model("modelspecs", "PickMethod")
    for fields in USES:
        Use.objects.update_or_create(slug=fields["slug"], defaults=fields)
    if not PickMethod.objects.exists():
        PickMethod.objects.create(
            number=1,
            note="First version: the pick by the numbers for chat apps, document Q&A and coding "
            "agents.",
            rules=1,
            uses=[{**DEFAULTS, **fields} for fields in USES],
        )


class Migration(migrations.Migration):
    dependencies = [("modelspecs", "0003_uses_and_pick_method")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
