"""The community figure for a tool: '68% ship · 25 votes' or 'No community votes yet'.

Read from votes.Tally, which a database trigger keeps equal to the Vote rows (see that model):
a join per tool card instead of counting every vote on every read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import F
from django.db.models.functions import Coalesce

from core.numbers import percent

SHIP = "ship"
SKIP = "skip"


def community_expressions() -> dict:
    """Annotations for a Tool queryset: community_ships and community_skips."""
    return {
        "community_ships": Coalesce(F("tally__ships"), 0),
        "community_skips": Coalesce(F("tally__skips"), 0),
    }


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
    def ship_percent(self) -> int | None:
        return percent(self.ships, self.total)

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
        votes = "vote" if self.total == 1 else "votes"
        return f"{self.ship_percent}% ship ({self.total} {votes})"

    def __str__(self) -> str:
        if not self.total:
            return "No community votes yet"
        votes = "vote" if self.total == 1 else "votes"
        return f"{self.ship_percent}% ship · {self.total} {votes}"
