"""Who may do what in the admin: every staff group and its permissions, in this one place.

`apply_roles()` makes each group hold exactly the permissions listed here. It runs after every
`migrate` (core/apps.py), so a codename added here reaches the group at the next deploy and one
removed is taken away; edits made to these groups in the admin do not survive a deploy. A
codename that names no permission is reported (and tests/test_roles.py fails on it), never
skipped quietly.

Superusers keep every right and need no group. Rules a permission cannot say, such as "only a
superuser deletes a review", are kept by the admin classes themselves (core/admin.py).
"""

from __future__ import annotations

import logging

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS

logger = logging.getLogger(__name__)

# Group name -> "app_label.codename" of each permission the group holds.
ROLES: dict[str, list[str]] = {
    # Write and publish the catalogue. No delete: a review is unpublished, not destroyed, and a
    # tool is unpublished (deleting it would delete its reviews). The critics themselves
    # (verdicts.Reviewer) are shown, never changed: one checkbox there changes every page.
    "Editors": [
        "tools.view_category",
        "tools.add_category",
        "tools.change_category",
        "tools.view_tool",
        "tools.add_tool",
        "tools.change_tool",
        "verdicts.view_reviewer",
        "verdicts.view_review",
        "verdicts.add_review",
        "verdicts.change_review",
        # The public verdict history: written by saves; editors may correct a reason.
        "verdicts.view_verdictchange",
        "verdicts.change_verdictchange",
        # Facts carry when and where they were checked; readers' error reports are answered.
        "trust.view_factcheck",
        "trust.add_factcheck",
        "trust.change_factcheck",
        "trust.delete_factcheck",
        "trust.view_correction",
        "trust.change_correction",
        # A language model's figures: imported (tools/models_dev.py), shown on its tool.
        "modelspecs.view_modelspec",
        # A newer snapshot's changed figures wait for an editor's yes (tools/staging.py).
        "modelspecs.view_cataloguechange",
        "modelspecs.change_cataloguechange",
        # The jobs the pick by the numbers answers for; a change is a new method version.
        "modelspecs.view_use",
        "modelspecs.add_use",
        "modelspecs.change_use",
        "modelspecs.view_pickmethod",
        "modelspecs.change_pickmethod",
        "votes.view_vote",
        "votes.view_bookmark",
        "votes.view_visitor",
        # Saves refused because a colleague changed the same thing first (core/merging.py).
        "core.view_refusedsave",
    ],
    # Look after what the community writes.
    "Moderators": [
        "trust.view_correction",
        "trust.change_correction",
        "votes.moderate_votes",
        "votes.view_vote",
        "votes.delete_vote",
        "votes.view_visitor",
    ],
    # Look after the digest's list: export it, unsubscribe or remove an address on request.
    "Newsletter": [
        "newsletter.view_subscriber",
        "newsletter.change_subscriber",
        "newsletter.delete_subscriber",
        "newsletter.export_subscribers",
        "newsletter.view_digest",
    ],
}


def split_codename(permission: str) -> tuple[str, str]:
    app_label, _, codename = permission.partition(".")
    return app_label, codename


def apply_roles(*, apps=global_apps, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Create the ROLES groups and give each exactly its permissions; return the codenames that
    name no permission (in ROLES order), which no group receives."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    known = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    missing = []
    for name, permissions in ROLES.items():
        missing += [permission for permission in permissions if permission not in known]
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set([known[p] for p in permissions if p in known])
    return missing


def apply_roles_after_migrate(
    sender, *, apps=global_apps, using: str = DEFAULT_DB_ALIAS, verbosity: int = 1, **kwargs
) -> None:
    """post_migrate receiver: once per `migrate`, after the last app's permissions exist."""
    models_apps = [config for config in global_apps.get_app_configs() if config.models_module]
    if not models_apps or sender.label != models_apps[-1].label:
        return
    try:
        apps.get_model("auth", "Group")
    except LookupError:  # auth is not migrated in this database (yet)
        return
    missing = apply_roles(apps=apps, using=using)
    if missing:
        message = "core/roles.py names permissions that do not exist: " + ", ".join(missing)
        logger.warning(message)
        if verbosity and kwargs.get("stdout"):
            kwargs["stdout"].write(message + "\n")
