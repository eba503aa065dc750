"""The directory's filters and sorts: what a visitor may ask for, and the queryset it means."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import F, Func, QuerySet
from django.http import QueryDict

from modelspecs.formats import dollars, tokens
from modelspecs.models import ModelSpec
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
    # Model sorts: tools without the fact (not models, or unpriced) come last.
    "price": (
        "Output price, cheapest first",
        (F("model_spec__output_price").asc(nulls_last=True), "name"),
    ),
    "context": (
        "Context window, largest first",
        (F("model_spec__context_window").desc(nulls_last=True), "name"),
    ),
}
MODEL_SORTS = {"price", "context"}
DEFAULT_SORT = "panel"
# Model facets: the value in the address -> the bound it means.
MIN_CONTEXT = {"32k": 32_000, "128k": 128_000, "200k": 200_000, "1m": 1_000_000}
MAX_OUTPUT_PRICE = {"1": Decimal(1), "5": Decimal(5), "15": Decimal(15), "50": Decimal(50)}
MODEL_FACETS = ("open_weights", "min_context", "max_price", "modality", "tool_calling")
MODALITY = re.compile(r"[a-z]{1,20}")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class DirectoryQuery:
    category: str = ""
    pricing: str = ""
    verdict: str = ""
    open_weights: str = ""
    min_context: str = ""
    max_price: str = ""
    modality: str = ""
    tool_calling: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_params(cls, params: QueryDict) -> DirectoryQuery:
        """Read the form; values we do not offer are ignored rather than errors. Any
        slug-shaped category and modality are kept here: `known` checks them against the
        database."""

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
            open_weights=pick("open_weights", {"yes"}),
            min_context=pick("min_context", MIN_CONTEXT),
            max_price=pick("max_price", MAX_OUTPUT_PRICE),
            modality=modality if MODALITY.fullmatch(modality := params.get("modality", "")) else "",
            tool_calling=pick("tool_calling", {"yes"}),
            sort=pick("sort", SORTS) or DEFAULT_SORT,
        )

    def known(self, category_slugs: set[str], modalities: list[str]) -> DirectoryQuery:
        """This query with an unknown category dropped, and with the model facets and sorts
        dropped when no published tool has model facts (`modalities` empty)."""
        known = self
        if self.category and self.category not in category_slugs:
            known = replace(known, category="")
        if not modalities:
            known = replace(known, **dict.fromkeys(MODEL_FACETS, ""))
            if known.sort in MODEL_SORTS:
                known = replace(known, sort=DEFAULT_SORT)
        elif known.modality not in modalities:
            known = replace(known, modality="")
        return known

    @property
    def key(self) -> str:
        return "|".join(getattr(self, field.name) for field in fields(self))

    def link(self, page: int) -> str:
        """The query string for `page` of these results, as the pager links to it."""
        params = {
            field.name: getattr(self, field.name)
            for field in fields(self)
            if field.name != "sort" and getattr(self, field.name)
        }
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
        if self.open_weights:
            tools = tools.filter(model_spec__open_weights=True)
        if self.min_context:
            tools = tools.filter(model_spec__context_window__gte=MIN_CONTEXT[self.min_context])
        if self.max_price:
            tools = tools.filter(model_spec__output_price__lte=MAX_OUTPUT_PRICE[self.max_price])
        if self.modality:
            tools = tools.filter(model_spec__input_modalities__contains=[self.modality])
        if self.tool_calling:
            tools = tools.filter(model_spec__tool_calling=True)
        return tools.order_by(*SORTS[self.sort][1])

    @property
    def is_filtered(self) -> bool:
        return any(getattr(self, field.name) for field in fields(self) if field.name != "sort")

    @property
    def is_model_filtered(self) -> bool:
        return any(getattr(self, name) for name in MODEL_FACETS) or self.sort in MODEL_SORTS


def directory_queryset() -> QuerySet:
    return (
        Tool.objects.published()
        .for_cards()
        .select_related("model_spec")
        .alias(community_rank=wilson_expression())
    )


def published_modalities() -> list[str]:
    """The input modalities published models have, in one query; empty when no published
    tool has model facts, which hides the model facets."""
    found = (
        ModelSpec.objects.filter(tool__in=Tool.objects.published())
        .annotate(modality=Func(F("input_modalities"), function="unnest"))
        .values_list("modality", flat=True)
        .distinct()
    )
    return sorted(found)


def filter_choices() -> dict:
    modalities = published_modalities()
    return {
        "categories": list(Category.objects.order_by("order", "name").only("name", "slug")),
        "pricing": Tool.Pricing.choices,
        "verdicts": list(VERDICT_LABELS.items()),
        "sorts": [
            (key, label)
            for key, (label, _) in SORTS.items()
            if modalities or key not in MODEL_SORTS
        ],
        "modalities": modalities,
        "min_contexts": [(key, f"{tokens(value)}+ tokens") for key, value in MIN_CONTEXT.items()],
        "max_prices": [
            (key, f"{dollars(value)} or less") for key, value in MAX_OUTPUT_PRICE.items()
        ],
    }
