"""The methodology page states the vote rules from the settings and code the site runs on."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_states_the_minimum_the_allowance_and_moderation_from_settings(client, settings):
    settings.COMMUNITY_MINIMUM_VOTES = 12
    settings.VOTES_PER_ADDRESS_PER_TOOL_PER_DAY = 5
    settings.VOTE_BURST_MINIMUM = 4
    content = client.get("/methodology/").content.decode()
    assert "Below 12 votes a tool’s figure is its count" in content
    assert "at most 5 new votes on a tool in a day" in content
    assert "4 or more votes on one tool from one address hash within one minute" in content
    assert "HMAC-SHA256" in content and "salt naming the day" in content


def test_it_explains_the_wilson_sort_with_the_figures_it_uses(client):
    content = client.get("/methodology/").content.decode()
    assert "lower bound of the 95% Wilson score interval" in content
    assert "3 ship votes of 3 rank at 44%, below 90 of 100 at 83%" in content
