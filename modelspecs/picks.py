"""The pick by the numbers: for each use (a job, `Use`), which of the compared models to choose
and what it costs a month, from the figures alone, in words.

The rules, in words (the methodology page prints the same, read from here and from the uses):
1. A model qualifies for a use when it has every ability the use needs (tool calling,
   reasoning, open weights), reads every input kind it needs, and its context window is at
   least the use's minimum. A tool without model figures never qualifies.
2. Each qualifying model is costed for the use's monthly token mix at its list prices
   (modelspecs/costs.py). A model without a published price (none listed, or $0 for both
   input and output, which the catalogue writes when there is no list price) is never the
   cheapest: it is said to have no published price.
3. The pick is the cheapest qualifying model. When the next one costs less than TIE_PERCENT
   more, it is a tie, said as such, and there is no pick.

These run on plain rows (`Use` instances, saved or rebuilt from a PickMethod snapshot), so a
new version of the method can be checked against the old one over every comparison
(modelspecs/method.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from modelspecs.costs import monthly_cost, percent_less
from modelspecs.formats import in_words, money, tokens
from modelspecs.models import ABILITIES, ModelSpec, Use, spec_of

# Bump with a changelog line in PickMethod when the rules above change.
RULES_VERSION = 1
TIE_PERCENT = 1


def is_tie(first: Decimal | int, second: Decimal | int) -> bool:
    """Whether two figures differ by less than TIE_PERCENT of the larger: 1,050,000 and
    1,048,576 tokens are a tie (0.14%), $2,250 and $4,000 are not."""
    larger = max(abs(first), abs(second))
    return first == second or abs(first - second) * 100 < TIE_PERCENT * larger


def is_priced(spec: ModelSpec | None) -> bool:
    return spec is not None and spec.has_prices


def requirements(use: Use) -> list[str]:
    """What a model needs for this use, in words: ["tool calling", "200K+ context"]."""
    needs = [words for field, words in ABILITIES if getattr(use, f"needs_{field}")]
    if use.min_context:
        needs.append(f"{tokens(use.min_context)}+ context")
    if use.needs_inputs:
        needs.append("reads " + ", ".join(use.needs_inputs))
    return needs


def traffic(use: Use) -> str:
    """ "500M input + 50M output tokens a month"."""
    return f"{tokens(use.input_tokens)} input + {tokens(use.output_tokens)} output tokens a month"


def shortfalls(spec: ModelSpec | None, use: Use) -> list[str]:
    """Why a model does not qualify for a use; empty when it does."""
    if spec is None:
        return ["no model figures"]
    missing = [
        f"no {words}"
        for field, words in ABILITIES
        if getattr(use, f"needs_{field}") and not getattr(spec, field)
    ]
    if use.min_context:
        if spec.context_window is None:
            missing.append("context window not listed")
        elif spec.context_window < use.min_context:
            missing.append(
                f"{tokens(spec.context_window)} context, needs {tokens(use.min_context)}"
            )
    unread = [kind for kind in use.needs_inputs if kind not in (spec.input_modalities or [])]
    if unread:
        missing.append("does not read " + ", ".join(unread))
    return missing


@dataclass
class Standing:
    """One tool's place for one use."""

    tool: object
    shortfalls: list[str]
    cost: Decimal | None  # a month of the use's traffic; None: not qualifying or not priced

    @property
    def qualifies(self) -> bool:
        return not self.shortfalls


@dataclass
class UsePick:
    use: Use
    standings: list[Standing]  # priced qualifiers cheapest first, then unpriced, then the rest
    pick: object | None = None
    tied: list = field(default_factory=list)

    @property
    def priced(self) -> list[Standing]:
        return [standing for standing in self.standings if standing.cost is not None]

    @property
    def conditions(self) -> str:
        """ "tool calling, 200K+ context, 500M input + 50M output tokens a month"."""
        return ", ".join([*requirements(self.use), traffic(self.use)])

    @property
    def sentence(self) -> str:
        """The answer for this use in one or two sentences, from the figures."""
        priced = self.priced
        parts = []
        if self.pick is not None:
            winner, runner = priced[0], priced[1] if len(priced) > 1 else None
            if runner is None:
                parts.append(
                    f"{winner.tool.name}, {money(winner.cost)} a month: the only one that "
                    "qualifies with a published price."
                )
            else:
                share = percent_less(winner.cost, runner.cost)
                next_one = "" if len(priced) == 2 else "the next, "
                parts.append(
                    f"{winner.tool.name}, {money(winner.cost)} a month, {share}% less than "
                    f"{next_one}{runner.tool.name} ({money(runner.cost)})."
                )
        elif self.tied:
            figures = " and ".join(
                f"{standing.tool.name} ({money(standing.cost)})" for standing in self.tied
            )
            parts.append(f"A tie: {figures} cost within {TIE_PERCENT}% of each other.")
        elif not any(standing.qualifies for standing in self.standings):
            parts.append("None of them qualifies.")
        unpriced = [s.tool.name for s in self.standings if s.qualifies and s.cost is None]
        if unpriced:
            has = "has" if len(unpriced) == 1 else "have"
            parts.append(f"{in_words(unpriced)} {has} no published price.")
        for standing in self.standings:
            if not standing.qualifies:
                parts.append(
                    f"{standing.tool.name} does not qualify: {'; '.join(standing.shortfalls)}."
                )
        return " ".join(parts)


def standing(tool, use: Use) -> Standing:
    """Whether this tool qualifies for the use, and what a month of it costs if so."""
    spec = spec_of(tool)
    missing = shortfalls(spec, use)
    cost = None
    if not missing and is_priced(spec):
        cost = monthly_cost(
            input_tokens=use.input_tokens,
            output_tokens=use.output_tokens,
            input_price=spec.input_price,
            output_price=spec.output_price,
        )
    return Standing(tool, missing, cost)


def decide(use: Use, standings: list[Standing]) -> UsePick:
    """The pick among these standings: the cheapest priced qualifier, unless within the tie."""
    ordered = sorted(
        standings,
        key=lambda one: (0 if one.cost is not None else 1 if one.qualifies else 2, one.cost or 0),
    )
    result = UsePick(use, ordered)
    priced = result.priced
    if priced:
        level = [one for one in priced if is_tie(one.cost, priced[0].cost)]
        if len(level) == 1:
            result.pick = priced[0].tool
        else:
            result.tied = level
    return result


def pick_for_use(tools: list, use: Use) -> UsePick:
    """Which of these tools (each with its `model_spec` loaded) to choose for this use."""
    return decide(use, [standing(tool, use) for tool in tools])


@dataclass
class NumbersPick:
    """The pick by the numbers for a comparison: one answer per use, and the context line."""

    uses: list[UsePick]
    context: str  # "Largest context: GPT-5.5 (1.05M tokens)." or the tie said as such

    @property
    def picks(self) -> list:
        return [use_pick.pick for use_pick in self.uses if use_pick.pick is not None]

    @property
    def overall(self):
        """The one tool every use picks, when they all pick the same one."""
        picks = self.picks
        if len(picks) == len(self.uses) and len({tool.pk for tool in picks}) == 1:
            return picks[0]
        return None

    @property
    def headline(self) -> str:
        if self.overall is not None:
            return f"By the numbers: {self.overall.name}"
        if self.picks:
            return "By the numbers: it depends on the job"
        return "By the numbers: no clear pick"

    def uses_picking(self, tool) -> list[str]:
        return [use_pick.use.label.lower() for use_pick in self.uses if use_pick.pick == tool]


def context_line(tools: list) -> str:
    """Which model reads the most at once, with the tie rule: "Largest context: GPT-5.5 (1.05M
    tokens)." or "Context: about the same (1.05M and 1.05M tokens)."."""
    sized = [(tool, spec_of(tool).context_window) for tool in tools if spec_of(tool)]
    sized = sorted(
        [(tool, size) for tool, size in sized if size], key=lambda item: item[1], reverse=True
    )
    if len(sized) < 2:
        return ""
    (largest, size), (_, second) = sized[0], sized[1]
    if is_tie(size, second):
        level = [tool.name for tool, other in sized if is_tie(size, other)]
        return f"Context: about the same for {in_words(level)} ({tokens(size)} tokens)."
    return f"Largest context: {largest.name} ({tokens(size)} tokens)."


def numbers_pick(tools: list, uses: list[Use]) -> NumbersPick | None:
    """The pick by the numbers, or None when no compared tool is a model."""
    if not uses or not any(spec_of(tool) for tool in tools):
        return None
    return NumbersPick([pick_for_use(tools, use) for use in uses], context_line(tools))
