"""Every rule the data must keep is enforced by Postgres itself, not only by forms."""

import pytest
from django.db import IntegrityError, transaction

from tests.factories import (
    BookmarkFactory,
    CategoryFactory,
    ReviewerFactory,
    ReviewFactory,
    ToolFactory,
    VisitorFactory,
    VoteFactory,
)
from tools.models import Tool
from verdicts.models import Review
from votes.models import Vote

pytestmark = pytest.mark.django_db


def rejected(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_it_rejects_a_second_review_by_the_same_reviewer():
    review = ReviewFactory()
    assert rejected(lambda: ReviewFactory(tool=review.tool, reviewer=review.reviewer, score=10))
    assert Review.objects.count() == 1


def test_it_accepts_scores_0_and_100_and_rejects_101():
    reviewer = ReviewerFactory()
    assert not rejected(lambda: ReviewFactory(reviewer=reviewer, score=0))
    assert not rejected(lambda: ReviewFactory(reviewer=reviewer, score=100))
    assert rejected(lambda: ReviewFactory(reviewer=reviewer, score=101))


def test_it_rejects_a_negative_score_written_by_raw_sql():
    review = ReviewFactory()
    assert rejected(lambda: Review.objects.filter(pk=review.pk).update(score=-1))


def test_it_rejects_a_verdict_other_than_ship_or_skip():
    review = ReviewFactory()
    assert rejected(lambda: Review.objects.filter(pk=review.pk).update(verdict="meh"))


def test_it_rejects_a_second_vote_by_the_same_visitor():
    vote = VoteFactory()
    assert rejected(lambda: VoteFactory(visitor=vote.visitor, tool=vote.tool, value="skip"))
    assert Vote.objects.count() == 1


def test_it_rejects_a_vote_value_other_than_ship_or_skip():
    assert rejected(lambda: VoteFactory(value="meh"))


def test_it_rejects_a_second_bookmark_of_the_same_tool():
    bookmark = BookmarkFactory()
    assert rejected(lambda: BookmarkFactory(visitor=bookmark.visitor, tool=bookmark.tool))


def test_one_visitor_per_user():
    from django.contrib.auth.models import User

    user = User.objects.create_user("ada")
    VisitorFactory(user=user)
    assert rejected(lambda: VisitorFactory(user=user))


@pytest.mark.parametrize(
    "slug",
    [
        "cursor-vs-copilot",
        "vs-code-vs-x",
        "Upper",
        "double--hyphen",
        "-leading",
        "trailing-",
        "spa ce",
        "",
    ],
)
def test_it_rejects_a_tool_slug_that_breaks_the_rules(slug):
    category = CategoryFactory()
    assert rejected(lambda: ToolFactory(slug=slug, category=category))


@pytest.mark.parametrize("slug", ["code-llama-4", "mistral-3b", "vscode", "canvas-vs", "vs-code"])
def test_it_accepts_a_tool_slug_that_follows_the_rules(slug):
    category = CategoryFactory()
    assert not rejected(lambda: ToolFactory(slug=slug, category=category))
    assert Tool.objects.filter(slug=slug).exists()


def test_it_rejects_an_unknown_pricing_model():
    assert rejected(lambda: ToolFactory(pricing_model="barter"))


def test_the_slug_constraint_reports_a_clear_message_to_forms():
    tool = ToolFactory.build(slug="a-vs-b", category=CategoryFactory())
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        tool.full_clean()
    assert "-vs-" in str(excinfo.value)
