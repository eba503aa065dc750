"""The method in the open: /methodology/ reads the settings the site runs on."""

import json
import re

import pytest

from verdicts.models import MethodChange

pytestmark = pytest.mark.django_db


def test_it_names_the_critics_and_says_how_they_write(client, panel, settings):
    settings.REVIEW_AUTHORSHIP = "drafted with a language model and checked by the editors"
    content = client.get("/methodology/").content.decode()
    assert "The panel is 4 critic personas" in content
    for reviewer in panel:
        assert f'href="/reviewers/{reviewer.slug}/"' in content
    assert "drafted with a language model and checked by the editors" in content
    assert "No placement, score, verdict or order on this site is paid for" in content


def test_its_figures_come_from_the_settings(client, panel, settings):
    settings.COMMUNITY_MINIMUM_VOTES = 25
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": {"ip": "7/m", "visitor": "3/m"}}
    content = client.get("/methodology/").content.decode()
    assert "at least 25 votes" in content
    assert "7/m per address and 3/m per voter" in content


def test_the_changelog_lists_dated_changes_and_follows_edits(client, panel):
    MethodChange.objects.create(changed_on="2026-11-01", title="First rule", body="Old.")
    assert "1 Nov 2026</time>: First rule" in client.get("/methodology/").content.decode()
    MethodChange.objects.create(changed_on="2026-12-01", title="Second rule", body="New.")
    content = client.get("/methodology/").content.decode()
    assert content.index("Second rule") < content.index("First rule")


@pytest.mark.parametrize("path", ["/compare/code-llama-4-vs-mistral-3b/", "/tools/mistral-3b/"])
def test_compare_and_tool_pages_link_to_it(client, reference_pair, path):
    content = client.get(path).content.decode()
    assert "no placement is paid" in content
    assert '<a href="/methodology/">How we score and count</a>' in content


def test_structured_data_credits_the_site_not_made_up_people(client, reference_pair):
    content = client.get("/tools/mistral-3b/").content.decode()
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', content).group(1))
    authors = {json.dumps(review["author"]) for review in data["review"]}
    assert authors == {json.dumps({"@type": "Organization", "name": "Shiplist"})}
    assert {review["name"] for review in data["review"]} >= {"The Builder on Mistral 3B"}
