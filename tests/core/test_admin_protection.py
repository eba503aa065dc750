"""Admin logins are throttled, editors have exactly the rights they need, every change is logged."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.test import Client, override_settings
from django.urls import reverse

from tests.admin_forms import form_data
from tests.factories import VoteFactory
from votes.models import Vote

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


def try_login(client: Client, password: str):
    return client.post(LOGIN, {"username": "ed", "password": password, "next": "/admin/"})


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_login_even_with_the_right_password(client):
    User.objects.create_superuser("ed", "ed@example.com", "the-right-password-1")
    statuses = [try_login(client, "wrong").status_code for _ in range(3)]
    assert statuses[:2] == [200, 200]  # the form again, with an error
    locked = try_login(client, "the-right-password-1")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_correct_login_after_one_failure_works(client):
    User.objects.create_superuser("ed", "ed@example.com", "the-right-password-1")
    try_login(client, "wrong")
    assert try_login(client, "the-right-password-1").status_code == 302


@pytest.fixture
def editor_client(client, verified_login):
    user = User.objects.create_user("editor", password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    verified_login(client, user)
    return client


def test_editors_can_edit_tools_and_reviews(editor_client, reference_pair):
    tool = reference_pair[0]
    assert editor_client.get(reverse("admin:tools_tool_change", args=[tool.pk])).status_code == 200
    assert editor_client.get(reverse("admin:verdicts_review_add")).status_code == 200
    assert editor_client.get(reverse("admin:votes_vote_changelist")).status_code == 200


def test_editors_cannot_delete_votes_or_manage_users(editor_client, reference_pair):
    vote = VoteFactory(tool=reference_pair[0])
    response = editor_client.post(
        reverse("admin:votes_vote_changelist"),
        {"action": "delete_selected", "_selected_action": [vote.pk], "post": "yes"},
    )
    assert Vote.objects.filter(pk=vote.pk).exists()  # the action is not offered to editors
    assert "delete_selected" not in response.content.decode()
    assert editor_client.get(reverse("admin:votes_vote_delete", args=[vote.pk])).status_code == 403
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_admin_changes_are_logged_and_shown_in_the_tools_history(editor_client, reference_pair):
    tool = reference_pair[1]
    change_url = reverse("admin:tools_tool_change", args=[tool.pk])
    data = form_data(editor_client.get(change_url))
    old_tagline = data["tagline"]
    data["tagline"] = "Now with a sharper tagline"
    response = editor_client.post(change_url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    entry = LogEntry.objects.get(object_id=str(tool.pk))
    assert entry.user.username == "editor"
    assert "Best for" in entry.get_change_message()
    # The revision history: who, and the old and new values.
    history = editor_client.get(reverse("admin:tools_tool_history", args=[tool.pk])).content
    history = history.decode()
    assert "editor" in history
    assert "best for" in history.lower()
    assert old_tagline in history and "Now with a sharper tagline" in history
