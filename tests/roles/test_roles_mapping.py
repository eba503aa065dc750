"""core/roles.py is the one list of staff groups; migrate applies it, exactly and every time."""

import pytest
from django.contrib.auth.models import Group, Permission

from core import roles

pytestmark = pytest.mark.django_db


def permissions_of(group: Group) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.mark.parametrize(
    "permission", sorted({p for permissions in roles.ROLES.values() for p in permissions})
)
def test_every_permission_named_in_roles_exists(permission):
    app_label, codename = roles.split_codename(permission)
    assert Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).exists(), f"{permission} (core/roles.py) names no permission"


def test_migrate_leaves_each_group_with_exactly_its_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)
    for name, permissions in roles.ROLES.items():
        assert permissions_of(Group.objects.get(name=name)) == set(permissions), name


def test_applying_again_takes_back_a_permission_given_by_hand():
    editors = Group.objects.get(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="delete_review"))
    assert roles.apply_roles() == []
    assert roles.apply_roles() == []
    assert "verdicts.delete_review" not in permissions_of(editors)
    assert permissions_of(editors) == set(roles.ROLES["Editors"])


def test_a_permission_that_does_not_exist_is_reported_not_skipped(monkeypatch):
    monkeypatch.setitem(roles.ROLES, "Moderators", [*roles.ROLES["Moderators"], "trust.nope"])
    assert roles.apply_roles() == ["trust.nope"]
    assert permissions_of(Group.objects.get(name="Moderators")) == set(
        roles.ROLES["Moderators"]
    ) - {"trust.nope"}
