"""Once made the Editors group here. Every staff group and its permissions are now listed in
core/roles.py and applied after each `migrate` (core/apps.py), so this does nothing."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tools", "0001_initial"),
        ("verdicts", "0001_initial"),
        ("votes", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
