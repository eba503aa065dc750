"""Moderators (votes.moderate_votes) find tools voted on faster than usual, see the bursts, and
remove a burst's votes in one action: the figures and the pages follow at once."""

import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in_verified
from tests.factories import ToolFactory, VoteFactory
from votes.models import Vote
from votes.tally import read_tally

pytestmark = pytest.mark.django_db

MODERATION = "/admin/votes/vote/moderation/"
BURST_HASH = "b" * 64
NEIGHBOUR_HASH = "c" * 64


@pytest.fixture
def moderator(db):
    """Staff with the one permission a Moderators group gets, and nothing else."""
    user = User.objects.create_user("mo", password="pw-for-tests-only", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="moderate_votes"))
    client = Client()
    sign_in_verified(client, user)
    return client


@pytest.fixture
def burst(tool):
    """Twelve ship votes from one address hash within one minute, five minutes ago, and two
    ordinary votes from elsewhere."""
    minute = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=5)
    for second in range(12):
        VoteFactory(
            tool=tool,
            address_hash=BURST_HASH,
            agent_hash="a" * 64,
            created_at=minute + datetime.timedelta(seconds=second * 4),
        )
    VoteFactory(tool=tool, value="skip", address_hash=NEIGHBOUR_HASH, created_at=minute)
    VoteFactory(
        tool=tool,
        value="skip",
        address_hash=BURST_HASH,
        created_at=minute - datetime.timedelta(hours=6),
    )
    return minute


def test_the_moderation_view_lists_tools_against_their_usual_rate(moderator, tool, burst):
    quiet = ToolFactory(name="Quiet Tool")
    for days in range(1, 31):  # one vote a day for the 30 days before today
        ago = datetime.timedelta(days=days, hours=1)
        VoteFactory(tool=quiet, created_at=timezone.now() - ago)
    VoteFactory(tool=quiet)
    response = moderator.get(MODERATION)
    assert response.status_code == 200
    rows = {row.name: row for row in response.context["activity"]}
    assert rows["Code Llama 4"].last_hour == 13
    assert rows["Code Llama 4"].times_usual is None  # no votes before today: new
    assert (rows["Quiet Tool"].last_day, rows["Quiet Tool"].previous_month) == (1, 30)
    assert rows["Quiet Tool"].times_usual == 1.0
    assert list(rows) == ["Code Llama 4", "Quiet Tool"]  # busiest in the last hour first


def test_a_tool_shows_its_bursts_and_not_its_ordinary_votes(moderator, tool, burst):
    response = moderator.get(MODERATION, {"tool": tool.pk})
    (found,) = response.context["bursts"]
    assert (found.address_hash, found.minute, found.votes, found.ships) == (
        BURST_HASH,
        burst,
        12,
        12,
    )
    assert found.agents == 1
    assert f'value="{found.key}"' in response.content.decode()


def test_a_burst_is_removed_in_one_action_and_the_figures_and_pages_follow(
    moderator, client, tool, burst, later, settings
):
    assert read_tally(tool.pk) == (12, 2)
    assert "86% ship · 14 votes" in client.get("/tools/code-llama-4/").content.decode()
    key = moderator.get(MODERATION, {"tool": tool.pk}).context["bursts"][0].key

    response = moderator.post(MODERATION, {"tool": tool.pk, "burst": [key]})

    assert response.status_code == 303
    assert response["Location"] == f"{MODERATION}?tool={tool.pk}"
    assert read_tally(tool.pk) == (0, 2)
    # The neighbour's vote and the same address's vote at another minute stay.
    assert set(Vote.objects.values_list("address_hash", flat=True)) == {
        NEIGHBOUR_HASH,
        BURST_HASH,
    }
    assert Vote.objects.count() == 2
    later(settings.TALLY_WINDOW_SECONDS + 1)  # cached pages show community figures this late
    assert "0% ship · 2 votes" in client.get("/tools/code-llama-4/").content.decode()
    followed = moderator.get(response["Location"])
    assert "Removed 12 votes on Code Llama 4 from 1 burst" in followed.content.decode()
    assert followed.context["bursts"] == []


def test_removing_is_logged_for_the_admin_history(moderator, tool, burst):
    from django.contrib.admin.models import DELETION, LogEntry

    key = moderator.get(MODERATION, {"tool": tool.pk}).context["bursts"][0].key
    moderator.post(MODERATION, {"tool": tool.pk, "burst": [key]})
    assert LogEntry.objects.filter(action_flag=DELETION, user__username="mo").count() == 12


@pytest.mark.parametrize(
    "bursts",
    [[], ["nonsense"], [f"{'b' * 64}|not-a-date"], [f"{'B' * 64}|2026-01-01T00:00:00+00:00"]],
)
def test_bad_burst_selections_remove_nothing(moderator, tool, burst, bursts):
    response = moderator.post(MODERATION, {"tool": tool.pk, "burst": bursts}, follow=True)
    assert response.status_code == 200
    assert "Select one or more bursts to remove." in response.content.decode()
    assert Vote.objects.count() == 14


def test_the_changelist_action_removes_selected_votes_and_the_tally_follows(moderator, tool, burst):
    ids = list(Vote.objects.filter(value="ship").values_list("pk", flat=True)[:5])
    response = moderator.post(
        reverse("admin:votes_vote_changelist"),
        {"action": "remove_selected_votes", "_selected_action": ids},
    )
    assert response.status_code == 302
    assert read_tally(tool.pk) == (7, 2)


def test_staff_without_the_permission_get_403(tool, burst):
    user = User.objects.create_user("ed", password="pw-for-tests-only", is_staff=True)
    client = Client()
    sign_in_verified(client, user)
    assert client.get(MODERATION).status_code == 403
    key = f"{BURST_HASH}|{burst.isoformat()}"
    assert client.post(MODERATION, {"tool": tool.pk, "burst": [key]}).status_code == 403
    assert Vote.objects.count() == 14


def test_anonymous_visitors_are_sent_to_sign_in(client, tool):
    response = client.get(MODERATION)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_votes_changelist_links_moderators_to_it(moderator, tool, burst):
    response = moderator.get(reverse("admin:votes_vote_changelist"))
    assert response.status_code == 200
    assert f'href="{MODERATION}">Find bursts</a>' in response.content.decode()


def test_its_query_count_does_not_grow_with_votes_or_tools(
    moderator, tool, burst, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as few:
        moderator.get(MODERATION, {"tool": tool.pk})
    for _ in range(10):
        VoteFactory(tool=ToolFactory(), address_hash=NEIGHBOUR_HASH)
    with django_assert_max_num_queries(12) as many:
        moderator.get(MODERATION, {"tool": tool.pk})
    assert len(many.captured_queries) == len(few.captured_queries)
