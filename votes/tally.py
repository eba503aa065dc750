"""The community figure for a tool: '68% ship · 25 votes', '7 votes: too few to show a share
yet' or 'No community votes yet'.

Read from votes.Tally, which a database trigger keeps equal to the Vote rows (see that model):
a join per tool card instead of counting every vote on every read. Below
settings.COMMUNITY_MINIMUM_VOTES a share is noise: the count is shown, never a percentage.
Lists sorted by the community use the lower bound of the Wilson score interval, so that 3 ship
votes of 3 do not outrank 90 of 100.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Case, ExpressionWrapper, F, FloatField, Value, When
from django.db.models.functions import Cast, Coalesce, Sqrt

from core.numbers import WILSON_Z, percent, wilson_lower_bound
from core.publishing import SHIP, SKIP


def community_expressions() -> dict:
    """Annotations for a Tool queryset: community_ships and community_skips."""
    return {
        "community_ships": Coalesce(F("tally__ships"), 0),
        "community_skips": Coalesce(F("tally__skips"), 0),
    }


def wilson_expression(ships: str = "community_ships", skips: str = "community_skips"):
    """The Wilson lower bound as SQL over two annotations; NULL below the minimum number of
    votes, so those tools sort after every tool whose share is shown."""
    total = Cast(F(ships) + F(skips), FloatField())
    share = Cast(F(ships), FloatField()) / total
    z2 = Value(WILSON_Z * WILSON_Z)
    bound = ExpressionWrapper(
        (
            share
            + z2 / (Value(2.0) * total)
            - Value(WILSON_Z)
            * Sqrt(share * (Value(1.0) - share) / total + z2 / (Value(4.0) * total * total))
        )
        / (Value(1.0) + z2 / total),
        output_field=FloatField(),
    )
    minimum = max(settings.COMMUNITY_MINIMUM_VOTES, 1)
    return Case(
        When(**{f"{ships}__gte": minimum - F(skips)}, then=bound),
        default=Value(None),
        output_field=FloatField(),
    )


def read_tally(tool_id: int) -> tuple[int, int]:
    """One tool's (ships, skips), as committed. Plain SQL: it follows every vote."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT ships, skips FROM votes_tally WHERE tool_id = %s", [tool_id])
        return cursor.fetchone() or (0, 0)


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
    def is_shown(self) -> bool:
        """Enough votes for a share to mean something (settings.COMMUNITY_MINIMUM_VOTES)."""
        return self.total > 0 and self.total >= settings.COMMUNITY_MINIMUM_VOTES

    @property
    def ship_percent(self) -> int | None:
        """The ship share, or None with too few votes to show one."""
        return percent(self.ships, self.total) if self.is_shown else None

    @property
    def lower_bound(self) -> float | None:
        """What lists sort by (see wilson_expression)."""
        return wilson_lower_bound(self.ships, self.total) if self.is_shown else None

    @property
    def counted(self) -> str:
        votes = "vote" if self.total == 1 else "votes"
        return f"{self.total} {votes}"

    @property
    def majority(self) -> str | None:
        if self.ships == self.skips:
            return None
        return SHIP if self.ships > self.skips else SKIP

    @property
    def short(self) -> str:
        """The figure where space is tight: '80% ship · 40 votes' or 'No votes yet'."""
        return str(self) if self.total else "No votes yet"

    @property
    def on_card(self) -> str:
        """'45% ship (20 votes)', for lists of tools."""
        if not self.total:
            return "no votes yet"
        if not self.is_shown:
            return f"{self.counted}: too few to show a share yet"
        return f"{self.ship_percent}% ship ({self.counted})"

    def __str__(self) -> str:
        if not self.total:
            return "No community votes yet"
        if not self.is_shown:
            return f"{self.counted}: too few to show a share yet"
        return f"{self.ship_percent}% ship · {self.counted}"
