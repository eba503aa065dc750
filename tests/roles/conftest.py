import pytest
from django.contrib.auth.models import Group, User
from django.test import Client


@pytest.fixture
def signed_in(db):
    """`signed_in("Editors")`: a client signed in as a staff member of that group only
    (`signed_in(None)` for a superuser)."""

    def sign_in(group: str | None) -> Client:
        if group is None:
            user = User.objects.create_superuser("root", "root@example.com", "pw-for-tests-only")
        else:
            user = User.objects.create_user(group.lower(), is_staff=True)
            user.groups.add(Group.objects.get(name=group))
        client = Client()
        client.force_login(user)
        return client

    return sign_in
