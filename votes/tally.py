"""The community figure for a tool: '68% ship · 25 votes' or 'No community votes yet'.

Counted from the Vote rows by the database on every read (no stored counter that can drift),
via correlated subqueries so it composes with the panel annotations without multiplying rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

SHIP = "ship"
SKIP = "skip"


def community_expressions() -> dict:
    from votes.models import Vote

    def count(value: str) -> Coalesce:
        subquery = (
            Vote.objects.filter(tool=OuterRef("pk"), value=value)
            .order_by()
            .values("tool")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(subquery, output_field=IntegerField()), Value(0))

    return {"community_ships": count(SHIP), "community_skips": count(SKIP)}


def community_aggregate() -> dict:
    """The same figures for a Vote queryset (one tool's votes)."""
    return {
        "community_ships": Count("pk", filter=Q(value=SHIP)),
        "community_skips": Count("pk", filter=Q(value=SKIP)),
    }


@dataclass(frozen=True)
class CommunityTally:
    ships: int
    skips: int

    @classmethod
    def from_annotations(cls, obj) -> CommunityTally:
        return cls(ships=obj.community_ships, skips=obj.community_skips)

    @property
    def total(self) -> int:
        return self.ships + self.skips

    @property
    def ship_percent(self) -> int | None:
        if not self.total:
            return None
        return round(self.ships * 100 / self.total)

    @property
    def majority(self) -> str | None:
        if self.ships == self.skips:
            return None
        return SHIP if self.ships > self.skips else SKIP

    def __str__(self) -> str:
        if not self.total:
            return "No community votes yet"
        votes = "vote" if self.total == 1 else "votes"
        return f"{self.ship_percent}% ship · {self.total} {votes}"
