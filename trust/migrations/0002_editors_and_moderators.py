"""Once gave the Editors and Moderators groups the trust permissions here. Every staff group and
its permissions are now listed in core/roles.py and applied after each `migrate`, so this does
nothing (kept so that databases which ran it stay consistent)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("trust", "0001_initial"),
        ("tools", "0002_editors_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
