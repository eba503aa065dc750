"""Below COMMUNITY_MINIMUM_VOTES a community figure is its count, never a share: on every page
that shows one. Lists sort the community by the Wilson lower bound, not the raw share."""

import json
import re

import pytest

from tests.conftest import forget_pages
from tests.factories import CategoryFactory, ToolFactory, VoteFactory
from tools.models import Tool
from votes.tally import CommunityTally, wilson_lower_bound

pytestmark = pytest.mark.django_db

TOO_FEW = "7 votes: too few to show a share yet"
# A community share as the site writes one ("57% ship · 7 votes", "57% ship (7 votes)", "Code
# Llama 4 57%, ... ship"); the panel's reads "% panel ship".
SHARE = re.compile(r"\d+%\s*ship|\d+%,")


@pytest.fixture(autouse=True)
def minimum(settings):
    settings.COMMUNITY_MINIMUM_VOTES = 10
    return settings


def votes(tool, ships: int, skips: int = 0) -> None:
    for value, count in (("ship", ships), ("skip", skips)):
        for _ in range(count):
            VoteFactory(tool=tool, value=value)


@pytest.fixture
def thin_pair(reference_pair):
    """Both reference tools with 7 votes (4 ship, 3 skip): below the minimum of 10."""
    for tool in reference_pair:
        votes(tool, 4, 3)
    return reference_pair


PAGES = [
    "/tools/code-llama-4/",
    "/compare/code-llama-4-vs-mistral-3b/",
    "/tools/",
    "/tools/?sort=community",
    "/categories/developer-tools/",
]


@pytest.mark.parametrize("url", PAGES)
def test_below_the_minimum_a_page_shows_the_count_and_no_share(client, thin_pair, url):
    text = client.get(url).content.decode()
    assert TOO_FEW in text
    assert not SHARE.search(text), SHARE.search(text)


@pytest.mark.parametrize("url", PAGES)
def test_at_the_minimum_the_same_page_shows_the_share(client, thin_pair, url, minimum):
    minimum.COMMUNITY_MINIMUM_VOTES = 7
    text = client.get(url).content.decode()
    assert "57% ship" in text
    assert TOO_FEW not in text


def test_the_vote_widget_shows_counts_but_no_split_below_the_minimum(client, thin_pair, minimum):
    text = client.get("/tools/code-llama-4/").content.decode()
    widget = text[text.index('id="vote-code-llama-4"') :][:3000]
    assert '<meter class="split split--empty" min="0" max="100" value="0"' in widget
    # The buttons keep their counts (votes, not a share; and a button that changed size under
    # the pointer would take a double click's second click).
    assert '<span class="count" aria-hidden="true">4</span>' in widget


def test_the_vote_response_says_too_few(client, thin_pair):
    response = client.post("/tools/code-llama-4/vote/", {"value": "ship"}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert "8 votes: too few to show a share yet" in text
    assert not SHARE.search(text)


def test_disagreements_list_no_tool_below_the_minimum(client, make_reviewed_tool, minimum):
    tool = make_reviewed_tool((80, "ship"), (70, "ship"), name="Crowd Pleaser")
    votes(tool, 0, 25)  # 25 skips against a shipping panel: a disagreement at quorum 20
    assert "Crowd Pleaser" in client.get("/disagreements/").content.decode()
    minimum.COMMUNITY_MINIMUM_VOTES = 30
    forget_pages()  # a setting changes with a deploy, which starts with fresh pages
    text = client.get("/disagreements/").content.decode()
    assert "Crowd Pleaser" not in text
    assert "at least 30 community votes" in text


def test_the_feed_and_json_ld_carry_no_community_figure(client, thin_pair, minimum):
    minimum.COMMUNITY_MINIMUM_VOTES = 1  # even where a share would be shown
    feed = client.get("/feeds/verdicts/").content.decode()
    assert not SHARE.search(feed)
    assert "votes" not in feed
    page = client.get("/tools/code-llama-4/").content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert blocks
    for block in blocks:
        data = json.dumps(json.loads(block))
        assert "aggregateRating" not in data
        assert "ship" not in data.lower().replace("shiplist", "")


def test_the_wilson_bound_ranks_many_votes_above_a_perfect_few(client, minimum):
    minimum.COMMUNITY_MINIMUM_VOTES = 1
    category = CategoryFactory(slug="wilson")
    few = ToolFactory(name="Three Of Three", category=category)
    many = ToolFactory(name="Ninety Of Hundred", category=category)
    middling = ToolFactory(name="Twelve Of Twenty", category=category)
    mixed = ToolFactory(name="Sixty Of Hundred", category=category)
    silent = ToolFactory(name="No Votes", category=category)
    votes(few, 3, 0)  # 100% raw, bound 0.44
    votes(many, 90, 10)  # 90% raw, bound 0.83
    votes(middling, 12, 8)  # 60% raw, bound 0.39
    votes(mixed, 60, 40)  # 60% raw, bound 0.50
    names = [few.name, many.name, middling.name, mixed.name, silent.name]

    text = client.get("/tools/", {"category": "wilson", "sort": "community"}).content.decode()
    order = sorted(names, key=text.index)
    assert order == ["Ninety Of Hundred", "Sixty Of Hundred", "Three Of Three",
                     "Twelve Of Twenty", "No Votes"]  # fmt: skip
    # The same bound in Python, for the methodology page.
    assert wilson_lower_bound(3, 3) == pytest.approx(0.4385, abs=1e-4)
    assert wilson_lower_bound(90, 100) == pytest.approx(0.8256, abs=1e-4)
    assert wilson_lower_bound(0, 0) is None


def test_below_the_minimum_a_tool_sorts_after_every_shown_share(client, minimum):
    category = CategoryFactory(slug="thin")
    perfect_few = ToolFactory(name="Perfect Few", category=category)
    plain = ToolFactory(name="Plain Many", category=category)
    votes(perfect_few, 9, 0)  # below 10
    votes(plain, 3, 7)  # 30%, shown
    text = client.get("/tools/", {"category": "thin", "sort": "community"}).content.decode()
    assert text.index("Plain Many") < text.index("Perfect Few")
    assert "9 votes: too few to show a share yet" in text


def test_the_sql_bound_equals_the_python_one():
    from votes.tally import wilson_expression

    tool = ToolFactory()
    votes(tool, 17, 8)
    annotated = Tool.objects.with_community_tally().annotate(bound=wilson_expression())
    assert annotated.get(pk=tool.pk).bound == pytest.approx(wilson_lower_bound(17, 25))
    assert CommunityTally(17, 8).lower_bound == pytest.approx(wilson_lower_bound(17, 25))


def test_an_all_ship_meter_has_no_skip_coloured_frame(client, settings):
    """At 100% ship the meter's track is the fill's colour: no red edge shows round the green."""
    settings.COMMUNITY_MINIMUM_VOTES = 2
    tool = ToolFactory(slug="all-ship")
    other = ToolFactory(slug="half-ship")
    for _ in range(2):
        VoteFactory(tool=tool, value="ship")
    VoteFactory(tool=other, value="ship")
    VoteFactory(tool=other, value="skip")
    content = client.get("/compare/all-ship-vs-half-ship/").content.decode()
    assert '<meter class="split split--all-ship" min="0" max="100" value="100"' in content
    assert '<meter class="split" min="0" max="100" value="50"' in content
