"""The panel summary: ships, skips, ship %, average score and the panel's verdict.

Always derived from the live reviews of active reviewers, by the database. The same
expressions serve one tool (aggregate over its reviews) and a whole queryset of tools
(annotations over the `reviews` relation), so both agree by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Case, CharField, Count, F, IntegerField, Max, Q, Value, When
from django.db.models.functions import Round

from core.numbers import round_half_up
from core.publishing import SHIP, SKIP, live_q

SPLIT = "split"
NOT_REVIEWED = "none"

VERDICT_LABELS = {
    SHIP: "Ship",
    SKIP: "Skip",
    SPLIT: "Split",
    NOT_REVIEWED: "Not reviewed yet",
}


def panel_expressions(prefix: str = "") -> dict:
    """Expressions for the panel figures; `prefix` is the path to Review, e.g. "reviews__"."""
    counted = live_q(prefix) & Q(**{f"{prefix}reviewer__is_active": True})
    ships = Count(f"{prefix}pk", filter=counted & Q(**{f"{prefix}verdict": SHIP}))
    skips = Count(f"{prefix}pk", filter=counted & Q(**{f"{prefix}verdict": SKIP}))
    return {
        "panel_ships": ships,
        "panel_skips": skips,
        "panel_average_score": Avg(f"{prefix}score", filter=counted),
        "panel_updated_at": Max(f"{prefix}published_at", filter=counted),
    }


def panel_derived_expressions() -> dict:
    """Expressions computed from panel_ships and panel_skips once those are annotated."""
    ships, skips = F("panel_ships"), F("panel_skips")
    return {
        "panel_ship_percent": Case(
            When(Q(panel_ships=0) & Q(panel_skips=0), then=Value(None)),
            default=Round(ships * 100.0 / (ships + skips)),
            output_field=IntegerField(),
        ),
        "panel_verdict": Case(
            When(panel_ships__gt=skips, then=Value(SHIP)),
            When(panel_ships__lt=skips, then=Value(SKIP)),
            When(panel_ships__gt=0, then=Value(SPLIT)),
            default=Value(NOT_REVIEWED),
            output_field=CharField(),
        ),
    }


@dataclass(frozen=True)
class PanelSummary:
    ships: int
    skips: int
    ship_percent: int | None
    average_score: float | None
    verdict: str

    @classmethod
    def from_annotations(cls, obj) -> PanelSummary:
        return cls(
            ships=obj.panel_ships,
            skips=obj.panel_skips,
            ship_percent=obj.panel_ship_percent,
            average_score=obj.panel_average_score,
            verdict=obj.panel_verdict,
        )

    @property
    def reviewed(self) -> bool:
        return self.verdict != NOT_REVIEWED

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    @property
    def counts(self) -> str:
        return f"{self.ships} ship / {self.skips} skip"

    def __str__(self) -> str:
        """'Ship · 3 ship / 1 skip', or 'Not reviewed yet'."""
        if not self.reviewed:
            return self.label
        return f"{self.label} · {self.counts}"

    @property
    def average(self) -> int | None:
        """The average score as shown: a whole number, halves rounded up."""
        return None if self.average_score is None else round_half_up(self.average_score)

    @property
    def average_display(self) -> str:
        return "–" if self.average is None else f"{self.average}/100"
