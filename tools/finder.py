"""The model finder (`/models/`): every published language model in one sortable table, filtered
by what a job needs, with a monthly-cost column for the visitor's own volume, all from plain GET
parameters so a search engine and a bookmark keep the answer.

    finder = FinderQuery.from_params(request.GET)
    models = finder.apply(Tool.objects.published())

The cost is worked out in SQL on the exact Decimal prices (so the sort holds at any catalogue
size) and again in Python for the answer sentence, with the same arithmetic as the calculator
(modelspecs/costs.py) and the same tie rule as the pick (modelspecs/picks.py).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import urlencode

from django.db.models import Case, DecimalField, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.http import QueryDict

from modelspecs.costs import CENT, TokenCountError, compact_tokens, parse_tokens, percent_more
from modelspecs.formats import money, tokens
from modelspecs.models import ABILITIES, Use
from modelspecs.picks import is_tie
from tools.models import Tool

MAX_MONEY = Decimal(100_000)
MAX_TOKENS = 10**12
MODALITIES = ("image", "pdf", "audio", "video")
CONTEXT_CHOICES = (0, 32_000, 128_000, 200_000, 256_000, 400_000, 1_000_000)
SORTS = {
    "cost": "Monthly cost for your volume",
    "blended": "Blended price (3:1 input:output)",
    "output": "Output price",
    "input": "Input price",
    "context": "Context window, largest first",
    "newest": "Newest",
    "name": "Name",
}
COMPARE_AT_MOST = 4


def _money(value: str) -> Decimal | None:
    """A price bound as typed ("15", "$15", "2.50"); None when empty or not a price."""
    text = value.strip().lstrip("$").strip()[:20]
    if not text:
        return None
    try:
        found = Decimal(text)
    except InvalidOperation:
        return None
    return found if found.is_finite() and 0 <= found <= MAX_MONEY else None


def _count(value: str) -> int | None:
    try:
        found = parse_tokens(value[:40]) if value.strip() else None
    except TokenCountError:
        return None
    return found if found is None or found <= MAX_TOKENS else None


@dataclass(frozen=True)
class FinderQuery:
    tool_calling: bool = False
    reasoning: bool = False
    open_weights: bool = False
    reads: str = ""
    min_context: int = 0
    max_input: Decimal | None = None
    max_output: Decimal | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    sort: str = ""

    @classmethod
    def from_params(cls, params: QueryDict) -> tuple[FinderQuery, list[str]]:
        """The query, and a message for each value that could not be read (that value is
        dropped, the rest applies)."""
        problems = []

        def flag(name: str) -> bool:
            return params.get(name, "") in ("yes", "on", "1", "true")

        def typed(name: str, reader, label: str):
            raw = params.get(name, "")
            found = reader(raw) if raw.strip() else None
            if raw.strip() and found is None:
                problems.append(label)
            return found

        reads = params.get("reads", "")
        query = cls(
            **{field: flag(field) for field, _ in ABILITIES},
            reads=reads if reads in MODALITIES else "",
            min_context=typed(
                "min_context", _count, "Minimum context: a number of tokens, like 200K or 1M."
            )
            or 0,
            max_input=typed("max_input", _money, "Highest input price: dollars, like 3 or 2.50."),
            max_output=typed(
                "max_output", _money, "Highest output price: dollars, like 15 or 2.50."
            ),
            input_tokens=typed(
                "input_tokens", _count, "Input tokens a month: like 50M, 1.5 million or 200K."
            ),
            output_tokens=typed(
                "output_tokens", _count, "Output tokens a month: like 10M, 1.5 million or 200K."
            ),
        )
        sort = params.get("sort", "")
        if sort not in SORTS or (sort == "cost" and not query.has_volume):
            sort = "cost" if query.has_volume else "blended"
        return replace(query, sort=sort), problems

    @classmethod
    def for_use(cls, use: Use) -> FinderQuery:
        return cls(
            **{field: getattr(use, f"needs_{field}") for field, _ in ABILITIES},
            reads=next((kind for kind in use.needs_inputs if kind in MODALITIES), ""),
            min_context=use.min_context,
            input_tokens=use.input_tokens,
            output_tokens=use.output_tokens,
            sort="cost",
        )

    @property
    def has_volume(self) -> bool:
        return bool(self.input_tokens or self.output_tokens)

    @property
    def needs(self) -> list[str]:
        """The job's requirements in words, for the answer sentence."""
        found = [words for field, words in ABILITIES if getattr(self, field)]
        if self.reads:
            found.append(f"reads {self.reads}")
        if self.min_context:
            found.append(f"{tokens(self.min_context)}+ context")
        if self.max_input is not None:
            found.append(f"input under ${self.max_input:g}")
        if self.max_output is not None:
            found.append(f"output under ${self.max_output:g}")
        return found

    @property
    def volume(self) -> str:
        return (
            f"{tokens(self.input_tokens or 0)} input + {tokens(self.output_tokens or 0)} output "
            "tokens a month"
        )

    def params(self, **changes) -> dict[str, str]:
        """The query as GET parameters (only what differs from the defaults)."""
        query = replace(self, **changes)
        found = {}
        for field in fields(query):
            value = getattr(query, field.name)
            if value in (None, "", 0, False):
                continue
            if isinstance(value, bool):
                found[field.name] = "yes"
            elif field.name in ("min_context", "input_tokens", "output_tokens"):
                found[field.name] = compact_tokens(value)
            elif isinstance(value, Decimal):
                found[field.name] = f"{value:g}"
            else:
                found[field.name] = str(value)
        if found.get("sort") == ("cost" if query.has_volume else "blended"):
            del found["sort"]
        return found

    def link(self, **changes) -> str:
        return urlencode(self.params(**changes))

    def page_link(self, page: int) -> str:
        return urlencode({**self.params(), "page": page})

    def apply(self, tools: QuerySet) -> QuerySet:
        """Published models meeting the job's requirements, each with `monthly_cost` (for the
        visitor's volume) and `blended_price`, sorted as asked; unpriced ones last."""
        money = DecimalField(max_digits=30, decimal_places=8)
        priced = Q(model_spec__input_price__isnull=False, model_spec__output_price__isnull=False)
        priced &= Q(model_spec__input_price__gt=0) | Q(model_spec__output_price__gt=0)
        models = (
            tools.filter(model_spec__isnull=False)
            .select_related("model_spec")
            .annotate(
                blended_price=ExpressionWrapper(
                    (F("model_spec__input_price") * 3 + F("model_spec__output_price")) / 4,
                    output_field=money,
                ),
                monthly_cost=ExpressionWrapper(
                    (
                        F("model_spec__input_price") * Value(Decimal(self.input_tokens or 0))
                        + F("model_spec__output_price") * Value(Decimal(self.output_tokens or 0))
                    )
                    / Value(Decimal(1_000_000)),
                    output_field=money,
                ),
            )
        )
        for field, _ in ABILITIES:
            if getattr(self, field):
                models = models.filter(**{f"model_spec__{field}": True})
        if self.reads:
            models = models.filter(model_spec__input_modalities__contains=[self.reads])
        if self.min_context:
            models = models.filter(model_spec__context_window__gte=self.min_context)
        if self.max_input is not None:
            models = models.filter(priced, model_spec__input_price__lte=self.max_input)
        if self.max_output is not None:
            models = models.filter(priced, model_spec__output_price__lte=self.max_output)
        # Unpriced models ($0 and $0, or none) sort after every priced one on price sorts.
        unpriced_last = Q(model_spec__input_price__isnull=True) | Q(
            model_spec__input_price=0, model_spec__output_price=0
        )
        order = {
            "cost": [F("monthly_cost").asc(nulls_last=True)],
            "blended": [F("blended_price").asc(nulls_last=True)],
            "output": [F("model_spec__output_price").asc(nulls_last=True)],
            "input": [F("model_spec__input_price").asc(nulls_last=True)],
            "context": [F("model_spec__context_window").desc(nulls_last=True)],
            "newest": [F("model_spec__release_date").desc(nulls_last=True)],
            "name": [],
        }[self.sort]
        if self.sort in ("cost", "blended", "output", "input"):
            models = models.alias(
                unpriced=Case(When(unpriced_last, then=Value(1)), default=Value(0))
            )
            order = [F("unpriced").asc(), *order]
        return models.order_by(*order, "name")


def is_priced(tool: Tool) -> bool:
    return tool.model_spec.has_prices


def answer(query: FinderQuery, first_page: list[Tool]) -> str:
    """The finder's answer in one sentence: the cheapest model that fits the job, its monthly
    cost, and how the next compares (a tie within 1% said as such)."""
    if not query.has_volume or query.sort != "cost":
        return ""
    priced = [tool for tool in first_page if is_priced(tool)]
    needs = ", ".join([*query.needs, query.volume])
    if not priced:
        return f"No model with a published price fits ({needs})."
    best = priced[0]
    cost = best.monthly_cost
    sentence = f"For your job ({needs}): {best.name}, {_cost(cost)} a month"
    if len(priced) > 1:
        runner = priced[1]
        if is_tie(cost, runner.monthly_cost):
            return (
                f"For your job ({needs}): a tie between {best.name} ({_cost(cost)}) and "
                f"{runner.name} ({_cost(runner.monthly_cost)}), within 1% of each other."
            )
        more = percent_more(runner.monthly_cost, cost)
        share = f", {more}% more" if more is not None else ""
        sentence += f"; next, {runner.name} at {_cost(runner.monthly_cost)}{share}"
    return sentence + "."


def _cost(value: Decimal) -> str:
    return money(value.quantize(CENT, rounding=ROUND_HALF_UP))
