"""Comparison logic: parsing `/compare/<a>-vs-<b>/`, and the side-by-side facts of two tools."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.models import Tool
from verdicts.models import Review, Reviewer

SEPARATOR = "-vs-"
MAX_TOOLS = 4
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class MalformedPair(ValueError):
    """The path is not `<slug>-vs-<slug>`."""


def parse_pair(path_part: str) -> list[str]:
    """Split 'a-vs-b' (up to four tools) into slugs; slugs never contain '-vs-', so the split
    is unambiguous."""
    if len(path_part) > MAX_TOOLS * 80 + (MAX_TOOLS - 1) * len(SEPARATOR):  # slug max_length 80
        raise MalformedPair("too long")
    slugs = path_part.split(SEPARATOR)
    if len(slugs) < 2:
        raise MalformedPair("no '-vs-' between two tool names")
    if len(slugs) > MAX_TOOLS:
        raise MalformedPair(f"at most {MAX_TOOLS} tools can be compared")
    if not all(_SLUG.fullmatch(slug) for slug in slugs):
        raise MalformedPair("a tool name is empty or has characters slugs never have")
    return slugs


def canonical_pair(slugs: list[str]) -> str:
    """The one URL form of a comparison: each tool once, slugs sorted."""
    return SEPARATOR.join(sorted(set(slugs)))


# Which pricing is friendlier to someone deciding: free beats freemium beats paid.
PRICING_RANK = {
    Tool.Pricing.OPEN_SOURCE: 3,
    Tool.Pricing.FREE: 3,
    Tool.Pricing.FREEMIUM: 2,
    Tool.Pricing.PAID: 1,
}


@dataclass
class Row:
    """One row of the decision table; `stronger` is the index of the better side, if any."""

    label: str
    values: list[str]
    stronger: int | None = None


def _stronger(scores: list[float | None]) -> int | None:
    """The index of the single highest score, or None on a tie or a missing figure."""
    if any(score is None for score in scores):
        return None
    best = max(scores)
    winners = [index for index, score in enumerate(scores) if score == best]
    return winners[0] if len(winners) == 1 else None


def decision_rows(tools: list[Tool]) -> list[Row]:
    panels = [tool.panel for tool in tools]
    communities = [tool.community for tool in tools]
    return [
        Row(
            "Panel verdict",
            [str(panel) for panel in panels],
            _stronger([panel.ship_percent for panel in panels]),
        ),
        Row(
            "Community",
            [str(community) for community in communities],
            _stronger([community.ship_percent for community in communities]),
        ),
        Row(
            "Pricing",
            [tool.pricing_line for tool in tools],
            _stronger([PRICING_RANK.get(tool.pricing_model) for tool in tools]),
        ),
        Row("Best for", [tool.tagline for tool in tools]),
        Row("Category", [tool.category.name for tool in tools]),
        Row("Maker", [tool.maker for tool in tools]),
        Row("Licence", [tool.licence or "Not stated" for tool in tools]),
        Row(
            "Average panel score",
            [panel.average_display for panel in panels],
            _stronger([panel.average_score for panel in panels]),
        ),
    ]


@dataclass
class ScorecardCell:
    tool: Tool
    review: Review | None


@dataclass
class ScorecardRow:
    reviewer: Reviewer
    cells: list[ScorecardCell]


def scorecard(tools: list[Tool]) -> list[ScorecardRow]:
    """One row per active reviewer, each with that reviewer's review of every tool (or None).

    Two queries whatever the panel size: the reviewers, and the reviews of these tools.
    """
    reviewers = list(Reviewer.objects.filter(is_active=True))
    reviewers_by_pk = {reviewer.pk: reviewer for reviewer in reviewers}
    reviews = Review.objects.filter(
        tool__in=tools, is_published=True, reviewer__is_active=True
    ).only("tool_id", "reviewer_id", "score", "verdict", "body", "published_at")
    by_key = {}
    for review in reviews:
        review.reviewer = reviewers_by_pk[review.reviewer_id]  # no query per review later
        by_key[(review.reviewer_id, review.tool_id)] = review
    return [
        ScorecardRow(
            reviewer, [ScorecardCell(tool, by_key.get((reviewer.pk, tool.pk))) for tool in tools]
        )
        for reviewer in reviewers
    ]


def reviews_of(tool: Tool, rows: list[ScorecardRow]) -> list[Review]:
    return [cell.review for row in rows for cell in row.cells if cell.tool == tool and cell.review]
