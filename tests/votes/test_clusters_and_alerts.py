"""A script rotating addresses with one browser: its votes group into one cluster across the
addresses, a moderator holds it off the public figures (or removes it) in one action, and the
spike has already emailed the Moderators and shows on the admin home."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in_verified
from votes.models import Vote, VoteAlert
from votes.moderation import clusters
from votes.tally import read_tally

pytestmark = pytest.mark.django_db

URL = "/tools/code-llama-4/vote/"
MODERATION = reverse("admin:votes_vote_moderation")
EARLIER, LATER = "2026-12-07T10:00:00+00:00", "2026-12-07T10:30:00+00:00"
SCRIPT = "Mozilla/5.0 (X11; Linux x86_64) VoteBot/1.0"


@pytest.fixture(autouse=True)
def sensitive(settings):
    settings.VOTES_PER_ADDRESS_PER_TOOL_PER_DAY = 3
    settings.VOTE_SPIKE_SAMPLE = 1  # check on every vote: the test decides nothing by chance
    settings.VOTE_SPIKE_MINIMUM = 30
    return settings


@pytest.fixture
def moderator(db):
    user = User.objects.create_user("mo", "mo@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    client = Client()
    sign_in_verified(client, user)
    return client


def attack(addresses: int, per_address: int = 4, agent: str = SCRIPT) -> None:
    """Cookie-less votes, a fresh visitor each, from `addresses` addresses, one browser."""
    for n in range(addresses):
        for _ in range(per_address):
            Client(REMOTE_ADDR=f"198.51.{n // 250}.{n % 250 + 1}", HTTP_USER_AGENT=agent).post(
                URL, {"value": "ship"}
            )


def real_readers(count: int) -> None:
    for n in range(count):
        agent = f"Mozilla/5.0 Reader/{n}"
        Client(REMOTE_ADDR=f"192.0.2.{n + 1}", HTTP_USER_AGENT=agent).post(URL, {"value": "skip"})


def test_a_distributed_attack_is_one_cluster_held_in_one_click(
    tool, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    real_readers(5)
    attack(addresses=40)  # 160 tried, 3 per address counted: 120
    assert read_tally(tool.pk) == (120, 5)
    [cluster] = clusters()
    assert (cluster.tool_id, cluster.votes, cluster.addresses, cluster.ships) == (
        tool.pk,
        120,
        40,
        120,
    )
    page = moderator.get(MODERATION)
    assert f'value="{cluster.key}"' in page.content.decode()

    response = moderator.post(MODERATION, {"cluster": cluster.key, "do": "hold"}, follow=True)
    assert "Held 120 votes" in response.content.decode()
    assert read_tally(tool.pk) == (0, 5)  # the public figure: the five readers
    assert Vote.objects.filter(held=True).count() == 120
    # Put back, held again, then removed for good: the figures follow each time.
    moderator.post(MODERATION, {"cluster": cluster.key, "do": "clear"})
    assert read_tally(tool.pk) == (120, 5)
    moderator.post(MODERATION, {"cluster": cluster.key, "do": "remove"})  # not held: nothing
    assert Vote.objects.count() == 125
    moderator.post(MODERATION, {"cluster": cluster.key, "do": "hold"})
    moderator.post(MODERATION, {"cluster": cluster.key, "do": "remove"})
    assert read_tally(tool.pk) == (0, 5)
    assert Vote.objects.count() == 5


def test_the_spike_emails_the_moderators_once_and_shows_on_the_admin_home(
    tool, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    User.objects.create_user("other-mod", "mod2@example.com").groups.add(
        Group.objects.get(name="Moderators")
    )
    # The email goes once the vote commits (each vote commits on its own in production).
    with django_capture_on_commit_callbacks(execute=True):
        attack(addresses=20)  # 60 counted in minutes, against no usual rate
    [alert] = VoteAlert.objects.all()
    assert alert.tool_id == tool.pk and alert.last_hour >= 30 and alert.emailed == 2
    [mail] = mailoutbox
    assert set(mail.to) == {"mo@example.com", "mod2@example.com"}
    assert "Code Llama 4" in mail.subject and "/admin/votes/vote/moderation/" in mail.body
    with django_capture_on_commit_callbacks(execute=True):
        attack(addresses=10)  # still spiking: no second email within the quiet period
    assert len(mailoutbox) == 1 and VoteAlert.objects.count() == 1
    home = moderator.get(reverse("admin:index")).content.decode()
    assert "Vote spikes and clusters in the last day" in home and "1 spike alert(s)" in home


def test_ordinary_voting_is_neither_a_cluster_nor_a_spike(tool, mailoutbox):
    real_readers(25)  # 25 readers, 25 browsers: below the spike minimum, no shared fingerprint
    assert clusters() == [] and not VoteAlert.objects.exists() and not mailoutbox


@pytest.mark.parametrize(
    "data",
    [
        {"cluster": "nonsense", "do": "hold"},
        {"cluster": f"1|{'a' * 64}|2026-12-07T10:30:00+00:00", "do": "hold"},  # no end
        {
            "cluster": f"1|{'a' * 64}|2026-12-07T10:30:00+00:00|2026-12-07T10:00:00+00:00",
            "do": "hold",
        },
        {
            "cluster": f"1|{'a' * 64}|2026-12-07T10:00:00+00:00|2026-12-07T10:30:00+00:00",
            "do": "explode",
        },
    ],
)
def test_a_bad_cluster_action_changes_nothing(tool, moderator, data):
    attack(addresses=4)
    before = read_tally(tool.pk)
    response = moderator.post(MODERATION, data, follow=True)
    assert response.status_code == 200 and "not one this page listed" in response.content.decode()
    assert read_tally(tool.pk) == before


def test_editors_cannot_act_on_clusters(tool, signed_in):
    attack(addresses=4)
    key = clusters()[0].key if clusters() else "x"
    editor = signed_in("Editors")
    assert editor.post(MODERATION, {"cluster": key, "do": "remove"}).status_code == 403


def test_a_script_straddling_the_top_of_the_hour_is_still_one_cluster(tool):
    """Twelve votes from one browser and twelve addresses between 18:49 and 19:22: one run."""
    from tests.factories import VoteFactory

    top = timezone.now().replace(minute=0, second=0, microsecond=0)
    for n in range(12):
        VoteFactory(
            tool=tool,
            agent_hash="e" * 64,
            address_hash=f"{n:064x}",
            created_at=top - datetime.timedelta(minutes=11) + datetime.timedelta(minutes=3 * n),
        )
    [cluster] = clusters()
    assert (cluster.votes, cluster.addresses) == (12, 12)
    assert cluster.start < top < cluster.end
