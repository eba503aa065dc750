import pytest

from tests.factories import ToolFactory, VoteFactory
from tools.models import Tool

pytestmark = pytest.mark.django_db


def test_a_tool_without_votes_says_so():
    tool = Tool.objects.with_community_tally().get(pk=ToolFactory().pk)
    assert str(tool.community) == "No community votes yet"
    assert tool.community.ship_percent is None


def test_votes_are_counted_as_ship_percent_and_total():
    tool = ToolFactory()
    other = ToolFactory()
    for value in ["ship"] * 17 + ["skip"] * 8:
        VoteFactory(tool=tool, value=value)
    VoteFactory(tool=other, value="skip")
    tally = Tool.objects.with_community_tally().get(pk=tool.pk).community
    assert (tally.ships, tally.skips) == (17, 8)
    assert str(tally) == "68% ship · 25 votes"


def test_one_vote_reads_as_singular():
    vote = VoteFactory(value="skip")
    assert (
        str(Tool.objects.with_community_tally().get(pk=vote.tool.pk).community)
        == "0% ship · 1 vote"
    )


def test_panel_and_community_annotations_do_not_multiply_each_other(make_reviewed_tool):
    tool = make_reviewed_tool((80, "ship"), (60, "ship"), (40, "skip"))
    for value in ["ship", "skip", "skip"]:
        VoteFactory(tool=tool, value=value)
    annotated = Tool.objects.for_cards().get(pk=tool.pk)
    assert (annotated.panel.ships, annotated.panel.skips) == (2, 1)
    assert annotated.panel.average_score == pytest.approx(60)
    assert (annotated.community.ships, annotated.community.skips) == (1, 2)
