"""The directory's filters and sorts: what a visitor may ask for, and the queryset it means."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.db.models import F, QuerySet
from django.http import QueryDict

from tools.models import Category, Tool
from verdicts.panel import VERDICT_LABELS
from votes.tally import wilson_expression

SORTS = {
    "panel": ("Panel ship %", (F("panel_ship_percent").desc(nulls_last=True), "name")),
    # The Wilson lower bound, not the raw share: 3 ship votes of 3 do not outrank 90 of 100
    # (votes/tally.py). Tools below the vote minimum have none and come last.
    "community": (
        "Community ship share",
        (F("community_rank").desc(nulls_last=True), "name"),
    ),
    "score": ("Average panel score", (F("panel_average_score").desc(nulls_last=True), "name")),
    "newest": ("Newest", (F("release_date").desc(nulls_last=True), "-created_at", "name")),
    "name": ("Name", ("name",)),
}
DEFAULT_SORT = "panel"
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class DirectoryQuery:
    category: str = ""
    pricing: str = ""
    verdict: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_params(cls, params: QueryDict) -> DirectoryQuery:
        """Read the form; values we do not offer are ignored rather than errors. Any
        slug-shaped category is kept here: `known` checks it against the database."""

        def pick(name: str, allowed) -> str:
            value = params.get(name, "")[:40]
            return value if value in allowed else ""

        category = params.get("category", "")[:40]
        if not SLUG.fullmatch(category):
            category = ""
        return cls(
            category=category,
            pricing=pick("pricing", Tool.Pricing.values),
            verdict=pick("verdict", VERDICT_LABELS),
            sort=pick("sort", SORTS) or DEFAULT_SORT,
        )

    def known(self, category_slugs: set[str]) -> DirectoryQuery:
        """This query with an unknown category dropped."""
        if not self.category or self.category in category_slugs:
            return self
        return replace(self, category="")

    @property
    def key(self) -> str:
        return f"{self.category}|{self.pricing}|{self.verdict}|{self.sort}"

    def link(self, page: int) -> str:
        """The query string for `page` of these results, as the pager links to it."""
        fields = {"category": self.category, "pricing": self.pricing, "verdict": self.verdict}
        params = {name: value for name, value in fields.items() if value}
        if self.sort != DEFAULT_SORT:
            params["sort"] = self.sort
        return urlencode({**params, "page": page})

    def apply(self, tools: QuerySet) -> QuerySet:
        if self.category:
            tools = tools.filter(category__slug=self.category)
        if self.pricing:
            tools = tools.filter(pricing_model=self.pricing)
        if self.verdict:
            tools = tools.filter(panel_verdict=self.verdict)
        return tools.order_by(*SORTS[self.sort][1])

    @property
    def is_filtered(self) -> bool:
        return bool(self.category or self.pricing or self.verdict)


def directory_queryset() -> QuerySet:
    return Tool.objects.published().for_cards().alias(community_rank=wilson_expression())


def filter_choices() -> dict:
    return {
        "categories": list(Category.objects.order_by("order", "name").only("name", "slug")),
        "pricing": Tool.Pricing.choices,
        "verdicts": list(VERDICT_LABELS.items()),
        "sorts": [(key, label) for key, (label, _) in SORTS.items()],
    }
