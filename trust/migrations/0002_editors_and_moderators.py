"""Editors keep facts checked and handle reports; Moderators handle reports only. Both groups
are fetched or created (another app may make Moderators too), and only these permissions are
taken back on reversal."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_PERMISSIONS = {
    "Editors": [
        "add_factcheck",
        "change_factcheck",
        "delete_factcheck",
        "view_factcheck",
        "change_correction",
        "view_correction",
    ],
    "Moderators": ["change_correction", "view_correction"],
}


def permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="trust", codename__in=codenames)


def grant(apps, schema_editor):
    # Permissions are normally created after migrations; make sure they exist now.
    app_config = apps.get_app_config("trust")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions(apps, codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, codenames in GROUP_PERMISSIONS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(*permissions(apps, codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("trust", "0001_initial"),
        ("tools", "0002_editors_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
