"""A critic's calibration: how often they ship, how they score, and how often they side with the
rest of the panel and with the community.

Counted from the published reviews of active reviewers on published tools, by the database, in
one query however many reviewers, tools, reviews and votes there are: each counted review is
annotated (correlated subqueries) with the other reviewers' ship and skip counts on the same tool
and with that tool's community counts, then the reviews are grouped by reviewer with conditional
aggregation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Expression
from django.db.models.functions import Coalesce

from core.numbers import percent, round_half_up
from verdicts.models import Review, Reviewer
from verdicts.panel import SHIP

# Below this many votes a community majority is noise, not an opinion worth comparing with.
COMMUNITY_QUORUM = 20


def community_quorum() -> int:
    """COMMUNITY_QUORUM, or the site's minimum for showing a share if that is higher: no figure
    is compared with a community the site does not show a share for."""
    return max(COMMUNITY_QUORUM, settings.COMMUNITY_MINIMUM_VOTES)


@dataclass(frozen=True)
class Calibration:
    reviews: int = 0
    ships: int = 0
    average_score: float | None = None
    # Tools where the other active reviewers have a majority (ties among them excluded) ...
    panel_comparable: int = 0
    # ... and how many of those this reviewer's verdict matches.
    panel_agreements: int = 0
    # Tools with at least COMMUNITY_QUORUM votes and a community majority ...
    community_comparable: int = 0
    # ... and how many of those this reviewer's verdict matches.
    community_agreements: int = 0

    @property
    def ship_percent(self) -> int | None:
        return percent(self.ships, self.reviews)

    @property
    def panel_agreement_percent(self) -> int | None:
        return percent(self.panel_agreements, self.panel_comparable)

    @property
    def community_agreement_percent(self) -> int | None:
        return percent(self.community_agreements, self.community_comparable)

    @property
    def average_display(self) -> str:
        return "–" if self.average_score is None else f"{round_half_up(self.average_score)}/100"


def _per_tool(queryset: QuerySet, **aggregate: Aggregate) -> Coalesce:
    """One aggregate over `queryset`'s rows (already tied to the outer review's tool), or 0."""
    (name,) = aggregate
    figure = queryset.order_by().values("tool").annotate(**aggregate).values(name)
    return Coalesce(Subquery(figure, output_field=IntegerField()), Value(0))


def _lean(field: str) -> Sum:
    """Ships minus skips: above 0 is a ship majority, below 0 a skip majority, 0 a tie."""
    return Sum(Case(When(**{field: SHIP}, then=Value(1)), default=Value(-1)))


def _other_reviewers_lean() -> Coalesce:
    others = Review.objects.published().filter(
        ~Q(reviewer=OuterRef("reviewer")), tool=OuterRef("tool")
    )
    return _per_tool(others, lean=_lean("verdict"))


def _community_lean() -> Expression:
    """Ships minus skips in the tool's tally (kept by the database, see votes.Tally)."""
    return Coalesce(F("tool__tally__ships"), 0) - Coalesce(F("tool__tally__skips"), 0)


def _community_votes() -> Expression:
    return Coalesce(F("tool__tally__ships"), 0) + Coalesce(F("tool__tally__skips"), 0)


def calibration_for(reviewers: Iterable[Reviewer]) -> dict[int, Calibration]:
    """The calibration of each of `reviewers`, keyed by reviewer id, in one query.

    Ship rate and average score cover all their counted reviews. Panel agreement: the share of
    tools where their verdict matches the majority of the *other* active reviewers (tools where
    the others tie, or nobody else reviewed, are left out). Community agreement: the share of
    tools with at least community_quorum() votes and a community majority where their verdict
    matches it. A reviewer with no counted review gets an empty Calibration.
    """
    reviewer_ids = [reviewer.pk for reviewer in reviewers]
    quorum = community_quorum()
    # Each lean is one correlated subquery; multiplied by the review's own stance (+1 ship,
    # -1 skip) it is positive where the review sides with that majority.
    rows = (
        Review.objects.published()
        .filter(reviewer__in=reviewer_ids)
        .alias(
            stance=Case(When(verdict=SHIP, then=Value(1)), default=Value(-1)),
            panel_lean=_other_reviewers_lean(),
            community_lean=_community_lean(),
            community_votes=_community_votes(),
        )
        .alias(
            panel_accord=F("panel_lean") * F("stance"),
            community_accord=F("community_lean") * F("stance"),
        )
        .order_by()
        .values("reviewer")
        .annotate(
            reviews=Count("pk"),
            ships=Count("pk", filter=Q(verdict=SHIP)),
            average_score=Avg("score"),
            panel_comparable=Count("pk", filter=~Q(panel_lean=0)),
            panel_agreements=Count("pk", filter=Q(panel_accord__gt=0)),
            community_comparable=Count(
                "pk", filter=Q(community_votes__gte=quorum) & ~Q(community_lean=0)
            ),
            community_agreements=Count(
                "pk", filter=Q(community_votes__gte=quorum, community_accord__gt=0)
            ),
        )
    )
    figures = {row.pop("reviewer"): Calibration(**row) for row in rows}
    return {pk: figures.get(pk, Calibration()) for pk in reviewer_ids}
