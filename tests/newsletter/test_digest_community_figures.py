"""The weekly digest shows a community figure as the site does: below the minimum, the count."""

import re

import pytest

from tests.factories import VoteFactory
from tests.newsletter.conftest import SubscriberFactory, html_of
from tests.newsletter.test_digest import send

pytestmark = pytest.mark.django_db
SHARE = re.compile(r"\d+%\s*ship")


@pytest.fixture
def thin_votes(reference_pair, settings):
    settings.COMMUNITY_MINIMUM_VOTES = 10
    SubscriberFactory()
    for tool in reference_pair:
        for value in ["ship"] * 4 + ["skip"] * 3:
            VoteFactory(tool=tool, value=value)
    return settings


def test_below_the_minimum_the_digest_shows_the_count_and_no_share(thin_votes, mailoutbox):
    send()
    (message,) = mailoutbox
    for body in (message.body, html_of(message)):
        assert "Community: 7 votes: too few to show a share yet" in body
        assert not SHARE.search(body)


def test_at_the_minimum_the_digest_shows_the_share(thin_votes, mailoutbox):
    thin_votes.COMMUNITY_MINIMUM_VOTES = 7
    send()
    assert "Community: 57% ship · 7 votes" in mailoutbox[0].body
