"""votes.Tally is kept by a database trigger: whatever writes the Vote rows, it matches them."""

import pytest
from django.db import connection, transaction
from django.db.models import Count, Q

from tests.factories import ToolFactory, VisitorFactory, VoteFactory
from tools.models import Tool
from votes.models import Tally, Visitor, Vote
from votes.services import cast_vote, change_vote

pytestmark = pytest.mark.django_db


def counted(tool) -> tuple[int, int]:
    """The figures counted from the rows, the slow way."""
    rows = Vote.objects.filter(tool=tool).aggregate(
        ships=Count("pk", filter=Q(value="ship")), skips=Count("pk", filter=Q(value="skip"))
    )
    return rows["ships"], rows["skips"]


def kept(tool) -> tuple[int, int]:
    """The figures the site shows."""
    figure = Tool.objects.with_community_tally().get(pk=tool.pk).community
    return figure.ships, figure.skips


def test_a_tool_nobody_voted_on_has_no_tally_row_and_reads_zero():
    tool = ToolFactory()
    assert not Tally.objects.filter(tool=tool).exists()
    assert kept(tool) == (0, 0)


def test_casting_switching_repeating_and_withdrawing_keep_the_tally_equal_to_the_rows():
    tool = ToolFactory()
    first, second = VisitorFactory(), VisitorFactory()
    steps = [
        (first, "ship", (1, 0)),
        (second, "ship", (2, 0)),
        (first, "skip", (1, 1)),
        (first, "skip", (1, 1)),  # repeating changes nothing
        (second, "clear", (0, 1)),
        (second, "clear", (0, 1)),
        (first, "clear", (0, 0)),
    ]
    for visitor, value, expected in steps:
        cast_vote(visitor_id=visitor.pk, tool_id=tool.pk, value=value)
        assert kept(tool) == counted(tool) == expected


def test_changing_a_vote_in_place_keeps_the_tally_and_says_whether_there_was_one():
    tool = ToolFactory()
    visitor = VisitorFactory()
    assert change_vote(visitor_id=visitor.pk, tool_id=tool.pk, value="ship") is False
    assert not Vote.objects.exists()  # a new vote is not written here: it is charged first
    cast_vote(visitor_id=visitor.pk, tool_id=tool.pk, value="ship")
    row = Vote.objects.get()
    for value, expected in [("skip", (0, 1)), ("skip", (0, 1)), ("ship", (1, 0))]:
        assert change_vote(visitor_id=visitor.pk, tool_id=tool.pk, value=value) is True
        assert kept(tool) == counted(tool) == expected
    changed = Vote.objects.get()
    assert (changed.pk, changed.created_at) == (row.pk, row.created_at)
    assert changed.updated_at > row.updated_at
    repeated = changed.updated_at
    change_vote(visitor_id=visitor.pk, tool_id=tool.pk, value="ship")  # writes nothing
    assert Vote.objects.get().updated_at == repeated
    with pytest.raises(ValueError):
        change_vote(visitor_id=visitor.pk, tool_id=tool.pk, value="clear")


def test_a_moderator_deleting_votes_in_bulk_lowers_the_tally():
    tool = ToolFactory()
    for value in ["ship"] * 5 + ["skip"] * 3:
        VoteFactory(tool=tool, value=value)
    two_ships = Vote.objects.filter(tool=tool, value="ship").values("pk")[:2]
    Vote.objects.filter(pk__in=two_ships).delete()
    assert kept(tool) == counted(tool) == (3, 3)


def test_deleting_a_visitor_takes_their_votes_out_of_every_tally():
    tools = [ToolFactory(), ToolFactory()]
    leaving, staying = VisitorFactory(), VisitorFactory()
    for tool in tools:
        VoteFactory(tool=tool, visitor=leaving, value="ship")
        VoteFactory(tool=tool, visitor=staying, value="skip")
    Visitor.objects.filter(pk=leaving.pk).delete()
    for tool in tools:
        assert kept(tool) == counted(tool) == (0, 1)


def test_plain_sql_writes_are_counted_too():
    """Not even a write that bypasses Django can put the figures out of step."""
    tool, other = ToolFactory(), ToolFactory()
    vote = VoteFactory(tool=tool, value="ship")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE votes_vote SET value = 'skip' WHERE id = %s", [vote.pk])
        assert kept(tool) == (0, 1)
        cursor.execute("UPDATE votes_vote SET tool_id = %s WHERE id = %s", [other.pk, vote.pk])
    assert kept(tool) == counted(tool) == (0, 0)
    assert kept(other) == counted(other) == (0, 1)


def test_a_rolled_back_vote_leaves_the_tally_as_it_was():
    tool = ToolFactory()
    VoteFactory(tool=tool, value="ship")
    with pytest.raises(RuntimeError), transaction.atomic():
        VoteFactory(tool=tool, value="skip")
        assert kept(tool) == (1, 1)
        raise RuntimeError("the request failed after writing")
    assert kept(tool) == counted(tool) == (1, 0)


def test_bulk_inserts_are_counted_row_by_row():
    tool = ToolFactory()
    visitors = Visitor.objects.bulk_create([Visitor() for _ in range(40)])
    Vote.objects.bulk_create(
        [
            Vote(visitor=visitor, tool=tool, value="ship" if index % 4 else "skip")
            for index, visitor in enumerate(visitors)
        ]
    )
    assert kept(tool) == counted(tool) == (30, 10)


def test_deleting_a_tool_removes_its_tally():
    tool = ToolFactory()
    VoteFactory(tool=tool, value="ship")
    tool.delete()
    assert not Tally.objects.exists()
