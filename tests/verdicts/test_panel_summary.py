import pytest

from tests.factories import ReviewerFactory, ReviewFactory, ToolFactory
from tools.models import Tool

pytestmark = pytest.mark.django_db


def summary_of(tool):
    return Tool.objects.with_panel_summary().get(pk=tool.pk).panel


def test_a_unanimous_panel_ships(make_reviewed_tool):
    panel = summary_of(make_reviewed_tool((87, "ship"), (80, "ship"), (84, "ship"), (75, "ship")))
    assert (panel.ships, panel.skips, panel.ship_percent) == (4, 0, 100)
    assert panel.average_score == pytest.approx(81.5)
    assert panel.verdict == "ship"
    assert str(panel) == "Ship · 4 ship / 0 skip"


def test_a_three_one_panel_ships_at_75_percent(make_reviewed_tool):
    panel = summary_of(make_reviewed_tool((84, "ship"), (78, "ship"), (81, "ship"), (55, "skip")))
    assert (panel.ships, panel.skips, panel.ship_percent) == (3, 1, 75)
    assert panel.average_score == pytest.approx(74.5)
    assert str(panel) == "Ship · 3 ship / 1 skip"


def test_a_two_two_panel_is_split(make_reviewed_tool):
    panel = summary_of(make_reviewed_tool((70, "ship"), (40, "skip"), (65, "ship"), (30, "skip")))
    assert (panel.ships, panel.skips, panel.ship_percent) == (2, 2, 50)
    assert panel.verdict == "split"
    assert str(panel) == "Split · 2 ship / 2 skip"


def test_a_one_three_panel_skips(make_reviewed_tool):
    panel = summary_of(make_reviewed_tool((70, "ship"), (40, "skip"), (35, "skip"), (30, "skip")))
    assert panel.verdict == "skip"
    assert panel.ship_percent == 25


def test_an_empty_panel_is_not_reviewed_yet(panel):
    summary = summary_of(ToolFactory())
    assert (summary.ships, summary.skips, summary.ship_percent, summary.average_score) == (
        0,
        0,
        None,
        None,
    )
    assert summary.verdict == "none"
    assert str(summary) == "Not reviewed yet"


def test_unpublished_reviews_and_inactive_reviewers_do_not_count(make_reviewed_tool, panel):
    tool = make_reviewed_tool((90, "ship"), (20, "skip"))
    tool.reviews.filter(reviewer=panel[1]).update(status="draft")
    retired = ReviewerFactory(is_active=False)
    ReviewFactory(tool=tool, reviewer=retired, score=10, verdict="skip")
    summary = summary_of(tool)
    assert (summary.ships, summary.skips, summary.average_score) == (1, 0, 90)


def test_a_tool_loaded_without_annotations_still_knows_its_panel(make_reviewed_tool):
    tool = make_reviewed_tool((84, "ship"), (55, "skip"))
    fresh = Tool.objects.get(pk=tool.pk)
    assert str(fresh.panel) == "Split · 1 ship / 1 skip"


@pytest.mark.parametrize("tool_count", [3, 30])
def test_a_queryset_of_tools_is_summarised_in_one_query(
    make_reviewed_tool, django_assert_num_queries, tool_count
):
    for index in range(tool_count):
        make_reviewed_tool((80, "ship"), (40 + index % 3, "skip" if index % 2 else "ship"))
    with django_assert_num_queries(1):
        tools = list(Tool.objects.for_cards())
        summaries = [(str(tool.panel), str(tool.community), tool.category.name) for tool in tools]
    assert len(summaries) == tool_count
    assert {summary for summary, _, _ in summaries} == {
        "Ship · 2 ship / 0 skip",
        "Split · 1 ship / 1 skip",
    }
