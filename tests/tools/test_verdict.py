"""The verdict strip (tools/verdict.py) from real rows: the pick, why, and the crowd."""

import pytest

from tests.factories import VoteFactory
from tools.compare import scorecard
from tools.models import Tool
from tools.verdict import compare_verdict

pytestmark = pytest.mark.django_db


def verdict_of(*tools):
    annotated = {t.pk: t for t in Tool.objects.for_cards().filter(pk__in=[t.pk for t in tools])}
    ordered = [annotated[tool.pk] for tool in tools]
    return compare_verdict(ordered, scorecard(ordered))


def votes(tool, ships: int, skips: int) -> None:
    for value, count in (("ship", ships), ("skip", skips)):
        for _ in range(count):
            VoteFactory(tool=tool, value=value)


def test_a_clear_win_names_the_pick_and_why(reference_pair, settings):
    settings.COMMUNITY_MINIMUM_VOTES = 10
    code_llama, mistral = reference_pair
    verdict = verdict_of(code_llama, mistral)
    assert verdict.pick.pk == mistral.pk
    assert verdict.headline == "Panel pick: Mistral 3B"
    # 87, 80, 84, 75 average 81.5 -> 82 (halves up); 84, 78, 81, 55 average 74.5 -> 75.
    assert verdict.reason == (
        "Average score 82 vs 75 · 4/4 vs 3/4 critics ship · 4 of 4 critics score it higher."
    )
    assert verdict.community == ""  # no votes: nothing to say; the vote buttons invite them
    votes(code_llama, 3, 0)
    assert verdict_of(code_llama, mistral).community == (
        "Too few community votes yet to compare (3 and 0; 10 needed)."
    )


def test_the_community_agrees_or_not_once_there_are_enough_votes(reference_pair, settings):
    code_llama, mistral = reference_pair
    votes(mistral, 8, 2)
    votes(code_llama, 5, 5)
    agrees = "The community agrees (Code Llama 4 {}%, Mistral 3B 80% ship)."
    assert verdict_of(code_llama, mistral).community == agrees.format(50)
    votes(code_llama, 10, 0)
    assert verdict_of(code_llama, mistral).community == agrees.format(75)
    settings.COMMUNITY_MINIMUM_VOTES = 30
    assert verdict_of(code_llama, mistral).community.startswith("Too few community votes yet")


def test_the_crowd_preferring_the_other_tool_is_said(reference_pair):
    code_llama, mistral = reference_pair
    votes(mistral, 4, 6)
    votes(code_llama, 9, 1)
    assert verdict_of(code_llama, mistral).community == (
        "The community prefers Code Llama 4 (Code Llama 4 90%, Mistral 3B 40% ship)."
    )


def test_a_tie_on_the_average_is_no_clear_pick(make_reviewed_tool):
    first = make_reviewed_tool((80, "ship"), (70, "ship"), name="First")
    second = make_reviewed_tool((75, "ship"), (75, "ship"), name="Second")
    verdict = verdict_of(first, second)
    assert verdict.pick is None
    assert verdict.headline == "No clear pick"
    assert verdict.reason == "First and Second both average 75 and the panel would ship each."


def test_a_split_panel_is_never_the_pick(make_reviewed_tool):
    split = make_reviewed_tool((90, "ship"), (40, "skip"), name="Split")
    skipped = make_reviewed_tool((30, "skip"), (20, "skip"), name="Skipped")
    verdict = verdict_of(split, skipped)
    assert verdict.pick is None
    assert verdict.headline == "No clear pick"
    assert verdict.reason == (
        "The panel is split on Split (1/2 ship); it would skip Skipped (0/2 ship)."
    )


def test_a_shipped_tool_beats_a_higher_scoring_split_one(make_reviewed_tool):
    split = make_reviewed_tool((95, "ship"), (90, "skip"), name="Split")
    shipped = make_reviewed_tool((70, "ship"), (70, "ship"), name="Shipped")
    verdict = verdict_of(split, shipped)
    assert verdict.headline == "Panel pick: Shipped"
    assert verdict.reason.startswith("Average score 70 vs 93 · 2/2 vs 1/2 critics ship")
    assert "0 of 2 critics score it higher" in verdict.reason


def test_an_unreviewed_tool_is_named_and_never_picked(make_reviewed_tool):
    from tests.factories import ToolFactory

    reviewed = make_reviewed_tool((80, "ship"), (60, "ship"), name="Reviewed")
    fresh = ToolFactory(name="Fresh")
    verdict = verdict_of(reviewed, fresh)
    assert verdict.headline == "Panel pick: Reviewed"
    assert (
        verdict.reason == "Average score 70; 2/2 critics ship it. Fresh has not been reviewed yet."
    )
    nothing = verdict_of(ToolFactory(name="New"), fresh)
    assert nothing.headline == "No pick yet"
    assert nothing.pick is None


def test_three_and_four_way_pages_name_the_runner_up(make_reviewed_tool):
    tools = [
        make_reviewed_tool((90, "ship"), (80, "ship"), (70, "ship"), name="Alpha"),
        make_reviewed_tool((60, "ship"), (85, "ship"), (60, "skip"), name="Beta"),
        make_reviewed_tool((50, "skip"), (40, "skip"), (45, "skip"), name="Gamma"),
    ]
    three = verdict_of(*tools)
    assert three.headline == "Panel pick: Alpha"
    assert three.reason == (
        "Average score 80, next best 68 (Beta) · 3/3 critics ship it · "
        "2 of 3 critics score it highest."
    )
    tools.append(make_reviewed_tool((95, "ship"), (95, "ship"), (90, "ship"), name="Delta"))
    four = verdict_of(*tools)
    assert four.headline == "Panel pick: Delta"
    assert four.reason == (
        "Average score 93, next best 80 (Alpha) · 3/3 critics ship it · "
        "3 of 3 critics score it highest."
    )
