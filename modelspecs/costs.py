"""What a month of traffic costs on each model: token counts times per-million prices, in
Decimal from input to the cent, so the figures add up as a bill would.

    form = CostForm(request.GET)
    if form.is_valid():
        estimate = estimate_costs(tools, **form.traffic())
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.conf import settings

from modelspecs.models import spec_of

MILLION = Decimal(1_000_000)
CENT = Decimal("0.01")


def monthly_cost(*, input_tokens: int, output_tokens: int, input_price, output_price) -> Decimal:
    """The month's cost in dollars, to the cent (halves up), from prices per 1M tokens."""
    exact = (Decimal(input_tokens) * input_price + Decimal(output_tokens) * output_price) / MILLION
    return exact.quantize(CENT, rounding=ROUND_HALF_UP)


def presets() -> dict[str, dict]:
    """Typical traffic, by name: {"chat": {"label": ..., "input": ..., "output": ...}}."""
    return settings.MODEL_COST_PRESETS


class TokenCountField(forms.IntegerField):
    """A whole number of tokens; "1,000,000", "1 000 000" and "1_000_000" are accepted."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", "").replace("_", "").replace(" ", "")
        return super().to_python(value)


def token_count(label: str) -> TokenCountField:
    limit = settings.MODEL_COST_MAX_TOKENS
    return TokenCountField(
        label=label,
        required=False,
        min_value=0,
        max_value=limit,
        error_messages={
            "invalid": f"{label}: enter a whole number of tokens, like 1000000.",
            "min_value": f"{label} cannot be negative.",
            "max_value": f"{label}: at most {limit:,} tokens a month.",
        },
    )


class CostForm(forms.Form):
    """Monthly traffic: a preset, or the visitor's own token counts (which win when given)."""

    preset = forms.ChoiceField(label="Typical use", required=False)
    input_tokens = token_count("Input tokens a month")
    output_tokens = token_count("Output tokens a month")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = [
            ("", "Your own numbers"),
            *((name, preset["label"]) for name, preset in presets().items()),
        ]
        self.fields["preset"].error_messages["invalid_choice"] = "Pick a typical use from the list."

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        preset = presets().get(data.get("preset") or "")
        for field, key in (("input_tokens", "input"), ("output_tokens", "output")):
            if data.get(field) is None:
                data[field] = preset[key] if preset else None
        if data["input_tokens"] is None and data["output_tokens"] is None:
            raise forms.ValidationError("Pick a typical use or enter your token counts.")
        data["input_tokens"] = data["input_tokens"] or 0
        data["output_tokens"] = data["output_tokens"] or 0
        return data

    def traffic(self) -> dict[str, int]:
        return {
            "input_tokens": self.cleaned_data["input_tokens"],
            "output_tokens": self.cleaned_data["output_tokens"],
        }


@dataclass
class Cost:
    tool: object
    dollars: Decimal | None  # None: the catalogue lists no price for it
    is_cheapest: bool = False


@dataclass
class Estimate:
    input_tokens: int
    output_tokens: int
    costs: list[Cost]

    @property
    def priced(self) -> list[Cost]:
        return [cost for cost in self.costs if cost.dollars is not None]

    @property
    def summary(self) -> str:
        """Which one costs less and by how much, in words."""
        priced = sorted(self.priced, key=lambda cost: cost.dollars)
        if len(priced) < 2:
            return ""
        cheapest, next_one = priced[0], priced[1]
        if cheapest.dollars == next_one.dollars:
            return "They cost the same for this traffic."
        saving = next_one.dollars - cheapest.dollars
        share = (saving * 100 / next_one.dollars).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return (
            f"{cheapest.tool.name} is cheaper: ${saving:,.2f} a month less than "
            f"{next_one.tool.name} ({share}% less)."
        )


def estimate_costs(tools: list, *, input_tokens: int, output_tokens: int) -> Estimate:
    """Each tool's monthly cost for this traffic, the cheapest marked when there is one."""
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
    priced = [cost for cost in costs if cost.dollars is not None]
    if len(priced) > 1:
        lowest = min(cost.dollars for cost in priced)
        cheapest = [cost for cost in priced if cost.dollars == lowest]
        if len(cheapest) == 1:
            cheapest[0].is_cheapest = True
    return Estimate(input_tokens, output_tokens, costs)
