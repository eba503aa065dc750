"""Comparison logic: parsing `/compare/<a>-vs-<b>/`, and the side-by-side facts of two tools."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format

from core.publishing import live_q
from modelspecs.formats import dollars, tokens
from modelspecs.models import ModelSpec, spec_of
from modelspecs.picks import is_tie
from tools.models import Tool
from trust.facts import checks_by_fact
from trust.models import Fact, FactCheck
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


@dataclass
class Row:
    """One row of the decision table; `stronger` is the index of the better side, if any,
    and `edge` the word that marks it."""

    label: str
    values: list[str]
    stronger: int | None = None
    edge: str = "Stronger"
    checks: list[FactCheck | None] = field(default_factory=list)  # how each value was checked

    @property
    def cells(self) -> list[tuple[str, FactCheck | None]]:
        return list(zip(self.values, self.checks or [None] * len(self.values), strict=True))


def _stronger(scores: list[float | None]) -> int | None:
    """The index of the single highest score, or None on a tie or a missing figure."""
    if any(score is None for score in scores):
        return None
    best = max(scores)
    winners = [index for index, score in enumerate(scores) if score == best]
    return winners[0] if len(winners) == 1 else None


def monthly_price(entry_price: str) -> float | None:
    """What it costs a month to start, from the entry price as written ("Free", "$20/mo"):
    None when it says something else, so no side is marked on a guess."""
    text = entry_price.strip().lower()
    if text.startswith("free"):
        return 0.0
    found = re.fullmatch(r"\$(\d+(?:\.\d+)?)\s*/\s*mo(?:nth)?", text)
    return float(found.group(1)) if found else None


FREE_TIERS = {Tool.Pricing.FREE, Tool.Pricing.FREEMIUM, Tool.Pricing.OPEN_SOURCE}


def decision_rows(tools: list[Tool]) -> list[Row]:
    """The facts that tell these tools apart, the better side marked where a fact ranks, each
    with how it was checked (the tools carry trust.facts.trust_annotations()).

    The panel's verdict and average sit in each tool's header, the tagline on its card: not
    repeated here. Category only when the tools differ in it."""
    checks = [checks_by_fact(tool) for tool in tools]

    def checked(fact: str) -> list[FactCheck | None]:
        return [found.get(fact) for found in checks]

    specs = [spec_of(tool) for tool in tools]
    rows = []
    if any(specs):
        rows += model_rows(specs, checked)
    if not all(specs):  # a model's per-token prices say more than an entry price
        prices = [monthly_price(tool.entry_price) for tool in tools]
        cheaper = _stronger([-price if price is not None else None for price in prices])
        free = [tool.pricing_model in FREE_TIERS for tool in tools]
        rows += [
            Row(
                "Entry price",
                [tool.entry_price for tool in tools],
                cheaper,
                edge="Cheaper",
                checks=checked(Fact.PRICING),
            ),
            Row(
                "Free tier",
                ["Yes" if has else "No" for has in free],
                free.index(True) if free.count(True) == 1 else None,
                edge="Only one",
            ),
        ]
    rows += [
        Row(
            "Licence",
            [tool.licence or "Not stated" for tool in tools],
            checks=checked(Fact.LICENCE),
        ),
        Row("Maker", [tool.maker for tool in tools], checks=checked(Fact.MAKER)),
    ]
    if len({tool.category_id for tool in tools}) > 1:
        rows.append(Row("Category", [tool.category.name for tool in tools]))
    return rows


NOT_LISTED = "Not listed"
NOT_PUBLISHED = "Not published"


def clear_leader(values: list, *, lower: bool = False) -> int | None:
    """The index of the best figure (the lowest with `lower`) when it beats every other beyond
    the tie rule (modelspecs.picks.is_tie), on the exact values: 1,050,000 and 1,048,576 tokens
    both print "1.05M" and mark neither. None when a figure is missing."""
    if len(values) < 2 or any(value is None for value in values):
        return None
    ranked = sorted(range(len(values)), key=lambda index: values[index], reverse=not lower)
    if is_tie(values[ranked[0]], values[ranked[1]]):
        return None
    return ranked[0]


def model_rows(specs: list[ModelSpec | None], checked) -> list[Row]:
    """A language model's figures, the cheaper or larger side marked; a tool that is not a
    model (or a figure the catalogue lacks) reads "Not listed" and marks no side."""

    def figure(name: str) -> list:
        return [getattr(spec, name) if spec else None for spec in specs]

    def price(name: str) -> list:
        # $0 and $0 is how the catalogue says it has no list price: never "Cheaper".
        return [getattr(spec, name) if spec and spec.has_prices else None for spec in specs]

    def row(label: str, name: str, show, **marks) -> Row:
        values = figure(name)
        return Row(label, [show(value) if value else NOT_LISTED for value in values], **marks)

    def listed(value, spec) -> str:
        if value is not None:
            return dollars(value)
        return NOT_PUBLISHED if spec is not None else NOT_LISTED

    inputs, outputs = price("input_price"), price("output_price")
    price_checks = checked(Fact.MODEL_PRICES)
    limit_checks = checked(Fact.MODEL_LIMITS)
    return [
        Row(
            "Input, per 1M tokens",
            [listed(v, spec) for v, spec in zip(inputs, specs, strict=True)],
            clear_leader(inputs, lower=True),
            "Cheaper",
            price_checks,
        ),
        Row(
            "Output, per 1M tokens",
            [listed(v, spec) for v, spec in zip(outputs, specs, strict=True)],
            clear_leader(outputs, lower=True),
            "Cheaper",
        ),
        row(
            "Context window",
            "context_window",
            lambda count: f"{tokens(count)} tokens",
            stronger=clear_leader(figure("context_window")),
            edge="Larger",
            checks=limit_checks,
        ),
        row(
            "Longest answer",
            "output_limit",
            lambda count: f"{tokens(count)} tokens",
            stronger=clear_leader(figure("output_limit")),
            edge="Larger",
        ),
        row("Reads", "input_modalities", lambda kinds: ", ".join(kinds)),
        Row("Can", [abilities(spec) if spec else NOT_LISTED for spec in specs]),
    ]


def abilities(spec: ModelSpec) -> str:
    found = [
        name
        for name, has in (
            ("call tools", spec.tool_calling),
            ("reason", spec.reasoning),
            ("run locally (open weights)", spec.open_weights),
        )
        if has
    ]
    return ", ".join(found).capitalize() or "None listed"


def updated_row(tools: list[Tool], rows: list[ScorecardRow]) -> Row:
    """When what a reader sees of each tool last changed: its reviews, and its facts (for a
    model, the day the catalogue last changed its figures, not the day they were imported)."""
    latest = {}
    for tool in tools:
        spec = spec_of(tool)
        if spec is not None and spec.last_updated is not None:
            latest[tool.pk] = spec.last_updated
        else:
            latest[tool.pk] = timezone.localtime(tool.updated_at).date()
    for row in rows:
        for cell in row.cells:
            if cell.review is not None:
                reviewed = timezone.localtime(cell.review.updated_at).date()
                latest[cell.tool.pk] = max(latest[cell.tool.pk], reviewed)
    return Row("Updated", [date_format(latest[tool.pk], "j M Y") for tool in tools])


@dataclass
class ScorecardCell:
    tool: Tool
    review: Review | None
    is_top: bool = False  # the row's single highest score


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
    reviews = Review.objects.filter(live_q(), tool__in=tools, reviewer__is_active=True).only(
        "tool_id", "reviewer_id", "score", "verdict", "body", "published_at", "updated_at"
    )
    by_key = {}
    for review in reviews:
        review.reviewer = reviewers_by_pk[review.reviewer_id]  # no query per review later
        by_key[(review.reviewer_id, review.tool_id)] = review
    # A critic who has reviewed none of these tools (say, one just added) gets no empty row.
    rows = [
        ScorecardRow(
            reviewer, [ScorecardCell(tool, by_key.get((reviewer.pk, tool.pk))) for tool in tools]
        )
        for reviewer in reviewers
        if any((reviewer.pk, tool.pk) in by_key for tool in tools)
    ]
    if len(tools) > 1:
        for row in rows:
            scored = [cell for cell in row.cells if cell.review]
            top = _stronger([cell.review.score for cell in scored]) if len(scored) > 1 else None
            if top is not None:
                scored[top].is_top = True
    return rows


def reviews_of(tool: Tool, rows: list[ScorecardRow]) -> list[Review]:
    return [cell.review for row in rows for cell in row.cells if cell.tool == tool and cell.review]
