"""The "live" rule is spelt once (core/publishing.py): the ORM's live_q and the raw SQL's
live_sql agree on every state a tool can be in."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.publishing import SHIP, SKIP, live_q, live_sql
from tests.factories import ToolFactory
from tools.models import Tool
from verdicts.models import Review
from votes.models import Vote

pytestmark = pytest.mark.django_db


def test_live_q_and_live_sql_agree_on_every_state():
    now = timezone.now()
    for status in ("draft", "scheduled", "published"):
        for offset in (-timedelta(days=1), -timedelta(seconds=1), timedelta(minutes=5)):
            ToolFactory(status=status, published_at=now + offset)
    by_orm = set(Tool.objects.filter(live_q()).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t.id FROM tools_tool t WHERE {live_sql('t')}")  # noqa: S608
        by_sql = {pk for (pk,) in cursor.fetchall()}
    assert by_orm == by_sql and len(by_orm) == 4  # scheduled or published, and due


def test_an_alias_that_is_not_a_name_is_refused():
    with pytest.raises(ValueError):
        live_sql("t; DROP TABLE tools_tool")


def test_one_spelling_of_the_verdicts():
    assert [v for v, _ in Review.Verdict.choices] == [v for v, _ in Vote.Value.choices]
    assert (Review.Verdict.SHIP, Vote.Value.SKIP.replace("skip", "skip")) == (SHIP, SKIP)
