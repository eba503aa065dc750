"""The Editors group: edit tools, categories, reviewers and reviews; look at community data;
never delete votes or manage users (moderators are superusers)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = {
    "tools": [
        "add_category",
        "change_category",
        "view_category",
        "add_tool",
        "change_tool",
        "view_tool",
    ],
    "verdicts": [
        "add_reviewer",
        "change_reviewer",
        "view_reviewer",
        "add_review",
        "change_review",
        "delete_review",
        "view_review",
    ],
    "votes": ["view_vote", "view_bookmark", "view_visitor"],
}


def create_editors(apps, schema_editor):
    # Permissions are normally created after migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    for app_label, codenames in EDITOR_PERMISSIONS.items():
        editors.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tools", "0001_initial"),
        ("verdicts", "0001_initial"),
        ("votes", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
