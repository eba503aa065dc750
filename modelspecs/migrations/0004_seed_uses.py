"""The three typical uses the cost calculator had as settings (MODEL_COST_PRESETS), now rows
editors keep, with what a model needs for each; and version 1 of the pick method."""

from django.db import migrations

from modelspecs.defaults import seed_default_uses


def seed(apps, schema_editor):
    seed_default_uses(
        apps.get_model("modelspecs", "Use"), apps.get_model("modelspecs", "PickMethod")
    )


class Migration(migrations.Migration):
    dependencies = [("modelspecs", "0003_uses_and_pick_method")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
