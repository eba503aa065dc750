"""The shapes the API answers with (pydantic, through django-ninja): the OpenAPI 3.1 document
is generated from these, so the description and the answers cannot drift apart."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from ninja import Field, Schema


class ModelFacts(Schema):
    provider: str
    model_id: str
    input_price: float | None  # US dollars per 1M tokens
    output_price: float | None
    cached_input_price: float | None
    context_window: int | None
    output_limit: int | None
    input_modalities: list[str]
    output_modalities: list[str]
    tool_calling: bool
    reasoning: bool
    open_weights: bool
    release_date: date | None
    source: str


class Panel(Schema):
    verdict: str  # ship, skip, split or none (not reviewed)
    average_score: float | None
    ships: int
    skips: int


class Community(Schema):
    ships: int
    skips: int
    ship_percent: int | None  # null below the vote minimum the site shows a share from


class ToolOut(Schema):
    id: int
    slug: str
    name: str
    maker: str
    category: str
    tagline: str
    url: str
    pricing_model: str
    entry_price: str
    licence: str
    website: str
    release_date: date | None
    panel: Panel
    community: Community
    model: ModelFacts | None


class ToolPage(Schema):
    items: list[ToolOut]
    next: str | None  # the address of the next page; null on the last


class UseAnswer(Schema):
    use: str
    conditions: str
    pick: str | None  # the slug of the pick, or null (a tie, or none qualifies)
    sentence: str


class Pick(Schema):
    by: str | None  # "panel", "numbers", or null where neither picks
    tool: str | None  # its slug
    headline: str
    reason: str


class Comparison(Schema):
    tools: list[ToolOut]
    pick: Pick
    uses: list[UseAnswer]
    url: str


class Linked(Schema):
    """An object with a page on the site: `url` is that page's absolute address."""

    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return settings.SITE_URL + obj.get_absolute_url()


class CategoryOut(Linked):
    slug: str
    name: str
    description: str
    tools: int = Field(..., alias="published")  # published tools in it


class CriticOut(Linked):
    slug: str
    name: str
    lens: str
    motto: str


class Problem(Schema):
    detail: str


class Invalid(Schema):
    """A parameter of the wrong shape: where, and what was expected (pydantic's errors)."""

    detail: list[dict[str, Any]]
