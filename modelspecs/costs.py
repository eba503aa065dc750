"""What a month of traffic costs on each model: token counts times per-million prices, in
Decimal from input to the cent, so the figures add up as a bill would.

    form = CostForm(request.GET)
    if form.is_valid():
        estimate = estimate_costs(tools, **form.traffic())
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.conf import settings

from core.cache import kept
from modelspecs.models import Use, spec_of

MILLION = Decimal(1_000_000)
CENT = Decimal("0.01")


def monthly_cost(*, input_tokens: int, output_tokens: int, input_price, output_price) -> Decimal:
    """The month's cost in dollars, to the cent (halves up), from prices per 1M tokens."""
    exact = (Decimal(input_tokens) * input_price + Decimal(output_tokens) * output_price) / MILLION
    return exact.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_less(cheaper: Decimal, dearer: Decimal) -> int:
    """How much less `cheaper` costs than `dearer`, in whole percent (halves up)."""
    return int((((dearer - cheaper) * 100) / dearer).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_more(dearer: Decimal, cheaper: Decimal) -> int | None:
    """How much more `dearer` costs than `cheaper`, in whole percent; None from a zero base."""
    if cheaper == 0:
        return None
    return int((((dearer - cheaper) * 100) / cheaper).quantize(Decimal(1), rounding=ROUND_HALF_UP))


MULTIPLIERS = {
    "": 1,
    "k": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "b": 1_000_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
    "billions": 1_000_000_000,
}
_COUNT = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]*)")


class TokenCountError(ValueError):
    """Not a token count people write."""


def parse_tokens(text: str) -> int:
    """A token count as people type it: "50M", "50m", "1.5 million", "200k", "2,000,000",
    "2 000 000", "1_000". Exact (Decimal), and a whole number of tokens or an error."""
    cleaned = text.strip().lower()
    # A comma only groups thousands: "1,5M" (a decimal comma) is refused, not read as 15M.
    if "," in cleaned and not re.match(r"\d{1,3}(,\d{3})+(?![\d,])", cleaned):
        raise TokenCountError(text)
    for separator in (",", "_", "\u00a0", "\u202f"):
        cleaned = cleaned.replace(separator, "")
    # Spaces between digits group thousands ("2 000 000"); before a word they separate it.
    cleaned = re.sub(r"(?<=\d) (?=\d)", "", cleaned)
    found = _COUNT.fullmatch(cleaned)
    if found is None or found.group(2) not in MULTIPLIERS:
        raise TokenCountError(text)
    count = Decimal(found.group(1)) * MULTIPLIERS[found.group(2)]
    if count != count.to_integral_value():
        raise TokenCountError(text)
    return int(count)


def compact_tokens(count: int) -> str:
    """A count the parser reads back exactly, as short as it goes: "500M", "1.5M", "200K",
    "123,457"."""
    for suffix, size in (("B", 1_000_000_000), ("M", 1_000_000), ("K", 1_000)):
        if count >= size:
            scaled = Decimal(count) / size
            if scaled == scaled.quantize(Decimal("0.01")):
                return f"{scaled.normalize():f}{suffix}"
    return f"{count:,}"


class TokenCountField(forms.Field):
    """A whole number of tokens, as people write it (parse_tokens)."""

    def __init__(self, *, label: str, **kwargs) -> None:
        super().__init__(label=label, required=False, **kwargs)
        self.limit = settings.MODEL_COST_MAX_TOKENS
        self.error_messages = {
            "invalid": f"{label}: enter a number of tokens, like 50M, 200K or 2,000,000.",
            "min_value": f"{label} cannot be negative.",
            "max_value": f"{label}: at most {self.limit:,} tokens a month.",
        }

    def to_python(self, value) -> int | None:
        if value in self.empty_values or not str(value).strip():
            return None
        text = str(value)
        if len(text) > 40:
            raise forms.ValidationError(self.error_messages["max_value"], code="max_value")
        if text.strip().startswith("-"):
            raise forms.ValidationError(self.error_messages["min_value"], code="min_value")
        try:
            count = parse_tokens(text)
        except TokenCountError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if count > self.limit:
            raise forms.ValidationError(self.error_messages["max_value"], code="max_value")
        return count


class CostForm(forms.Form):
    """Monthly traffic: a typical use (a `Use` row), or the visitor's own token counts.

    Typed counts win, except when the visitor asks for the use's own (`apply=use`: the button
    beside the list, or choosing from it with JS) or leaves both boxes empty. Either way the
    boxes then show the counts used (`shown`), so a chosen use fills them."""

    preset = forms.ChoiceField(label="Typical use", required=False)
    input_tokens = TokenCountField(label="Input tokens a month")
    output_tokens = TokenCountField(label="Output tokens a month")

    def __init__(self, *args, uses: list[Use] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.uses = {use.slug: use for use in (uses if uses is not None else active_uses())}
        self.fields["preset"].choices = [
            ("", "Your own numbers"),
            *((slug, use_label(use)) for slug, use in self.uses.items()),
        ]
        self.fields["preset"].error_messages["invalid_choice"] = "Pick a typical use from the list."
        if (
            self.is_bound
            and self.data.get("apply") == "use"
            and self.data.get("preset") in self.uses
        ):
            # The use's own counts replace whatever was typed, even what could not be read.
            self.data = {key: self.data.get(key) for key in ("preset", "apply")}

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        use = self.uses.get(data.get("preset") or "")
        apply = use is not None and (
            self.data.get("apply") == "use"
            or (data.get("input_tokens") is None and data.get("output_tokens") is None)
        )
        if apply:
            data["input_tokens"], data["output_tokens"] = use.input_tokens, use.output_tokens
        if data["input_tokens"] is None and data["output_tokens"] is None:
            raise forms.ValidationError("Pick a typical use or enter your token counts.")
        data["input_tokens"] = data["input_tokens"] or 0
        data["output_tokens"] = data["output_tokens"] or 0
        if (
            use is not None
            and not apply
            and (
                (data["input_tokens"], data["output_tokens"])
                != (use.input_tokens, use.output_tokens)
            )
        ):
            data["preset"] = ""  # the visitor's own numbers now
        return data

    def shown(self, name: str) -> str:
        """What a box shows: the counts worked out with (a chosen use's, compacted), else what
        was typed."""
        if self.is_bound and not self.errors and name in self.cleaned_data:
            return compact_tokens(self.cleaned_data[name])
        return self.data.get(name, "") if self.is_bound else ""

    @property
    def shown_input(self) -> str:
        return self.shown("input_tokens")

    @property
    def shown_output(self) -> str:
        return self.shown("output_tokens")

    def shown_preset(self) -> str:
        if self.is_bound and not self.errors:
            return self.cleaned_data.get("preset") or ""
        return self.data.get("preset", "") if self.is_bound else ""

    def traffic(self) -> dict[str, int]:
        return {
            "input_tokens": self.cleaned_data["input_tokens"],
            "output_tokens": self.cleaned_data["output_tokens"],
        }


USES_CACHE_KEY = "modelspecs:active-uses"


def active_uses() -> list[Use]:
    """The uses picks and the calculator offer, from the cache (a page's query budget has no
    room for them); modelspecs/signals.py drops the copy when one changes."""
    return kept(USES_CACHE_KEY, lambda: list(Use.objects.filter(is_active=True)))


def use_label(use: Use) -> str:
    return f"{use.label}, {use.volume_label}" if use.volume_label else use.label


@dataclass
class Cost:
    tool: object
    dollars: Decimal | None  # None: no published price
    is_cheapest: bool = False
    more: Decimal | None = None  # than the cheapest, a month
    more_percent: int | None = None


@dataclass
class Estimate:
    input_tokens: int
    output_tokens: int
    costs: list[Cost]  # cheapest first, then those without a price

    @property
    def priced(self) -> list[Cost]:
        return [cost for cost in self.costs if cost.dollars is not None]

    @property
    def summary(self) -> str:
        """Which of two costs less and by how much, in words (with more, the sorted list and
        the pick above it say it)."""
        priced = self.priced
        if len(priced) != 2:
            return ""
        cheapest, next_one = priced[0], priced[1]
        if cheapest.dollars == next_one.dollars:
            return "They cost the same for this traffic."
        saving = next_one.dollars - cheapest.dollars
        share = percent_less(cheapest.dollars, next_one.dollars)
        return (
            f"{cheapest.tool.name} is cheaper: ${saving:,.2f} a month less than "
            f"{next_one.tool.name} ({share}% less)."
        )


def estimate_costs(tools: list, *, input_tokens: int, output_tokens: int) -> Estimate:
    """Each tool's monthly cost for this traffic, cheapest first, each saying how much more
    than the cheapest it costs; tools without a published price come last."""
    costs = []
    for tool in tools:
        spec = spec_of(tool)
        dollars = None
        if spec is not None and spec.has_prices:
            dollars = monthly_cost(
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                input_price=spec.input_price,
                output_price=spec.output_price,
            )
        costs.append(Cost(tool, dollars))
    costs.sort(key=lambda cost: (cost.dollars is None, cost.dollars or 0))
    priced = [cost for cost in costs if cost.dollars is not None]
    if len(priced) > 1:
        lowest = priced[0].dollars
        cheapest = [cost for cost in priced if cost.dollars == lowest]
        if len(cheapest) == 1:
            cheapest[0].is_cheapest = True
        for cost in priced[1:]:
            cost.more = cost.dollars - lowest
            cost.more_percent = percent_more(cost.dollars, lowest)
    return Estimate(input_tokens, output_tokens, costs)
