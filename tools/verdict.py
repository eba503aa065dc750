"""The compare page's answer: which tool the panel would ship with, why, and what the crowd says.

Built only from the figures the rest of the page shows (each tool's panel summary and community
tally, and the critics' scores in the scorecard), in one place, so the strip at the top can never
disagree with the table below it. Ties and splits are said as such, never broken by invention.

The rule, in words (the methodology page says the same):
1. Only tools the panel would ship (more critics say ship than skip) can be the pick.
2. Of those, the one with the highest average score, rounded as shown; if two share the top
   average, there is no clear pick.
3. The community agrees or not by its own ship share, once every tool has at least
   COMMUNITY_MINIMUM_VOTES votes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from modelspecs.formats import in_words
from tools.compare import ScorecardRow
from tools.models import Tool
from verdicts.panel import SHIP, SKIP, SPLIT


@dataclass(frozen=True)
class Verdict:
    pick: Tool | None
    headline: str  # "Panel pick: Mistral 3B" or "No clear pick"
    reason: str  # why, in one line of figures
    community: str  # whether the crowd agrees, or why we cannot say yet; empty with no votes


def _names(tools: list[Tool]) -> str:
    return in_words([tool.name for tool in tools])


def _ship_count(tool: Tool) -> str:
    panel = tool.panel
    return f"{panel.ships}/{panel.ships + panel.skips}"


def _critics_preferring(pick: Tool, tools: list[Tool], rows: list[ScorecardRow]) -> tuple[int, int]:
    """(critics who score `pick` strictly highest, critics who scored every reviewed tool)."""
    preferring = comparable = 0
    for row in rows:
        scores = {cell.tool.pk: cell.review.score for cell in row.cells if cell.review}
        if not all(tool.pk in scores for tool in tools):
            continue
        comparable += 1
        best = max(scores[tool.pk] for tool in tools)
        if scores[pick.pk] == best and sum(scores[t.pk] == best for t in tools) == 1:
            preferring += 1
    return preferring, comparable


def _why(pick: Tool, reviewed: list[Tool], rows: list[ScorecardRow]) -> str:
    others = [tool for tool in reviewed if tool != pick]
    if not others:
        return f"Average score {pick.panel.average}; {_ship_count(pick)} critics ship it."
    runner = max(others, key=lambda tool: tool.panel.average)
    if len(others) == 1:
        parts = [
            f"Average score {pick.panel.average} vs {runner.panel.average}",
            f"{_ship_count(pick)} vs {_ship_count(runner)} critics ship",
        ]
    else:
        parts = [
            f"Average score {pick.panel.average}, next best {runner.panel.average} ({runner.name})",
            f"{_ship_count(pick)} critics ship it",
        ]
    preferring, comparable = _critics_preferring(pick, reviewed, rows)
    if comparable:
        higher = "higher" if len(reviewed) == 2 else "highest"
        parts.append(f"{preferring} of {comparable} critics score it {higher}")
    return " · ".join(parts) + "."


def _panel_says(tool: Tool) -> str:
    verdict = tool.panel.verdict
    if verdict == SPLIT:
        return f"is split on {tool.name} ({_ship_count(tool)} ship)"
    if verdict == SKIP:
        return f"would skip {tool.name} ({_ship_count(tool)} ship)"
    return f"would ship {tool.name} (average {tool.panel.average})"


def _community(tools: list[Tool], pick: Tool | None) -> str:
    minimum = settings.COMMUNITY_MINIMUM_VOTES
    totals = [tool.community.total for tool in tools]
    if not any(totals):
        return ""  # nothing to say yet: the vote buttons below invite the first votes
    if min(totals) < minimum:
        counts = " and ".join(str(total) for total in totals)
        return f"Too few community votes yet to compare ({counts}; {minimum} needed)."
    shares = {tool.pk: tool.community.ship_percent for tool in tools}
    top = max(shares.values())
    leaders = [tool for tool in tools if shares[tool.pk] == top]
    figures = ", ".join(f"{tool.name} {shares[tool.pk]}%" for tool in tools)
    if len(leaders) > 1:
        return f"The community is level ({figures} ship)."
    if pick is None:
        return f"The community leans to {leaders[0].name} ({figures} ship)."
    if leaders[0] == pick:
        return f"The community agrees ({figures} ship)."
    return f"The community prefers {leaders[0].name} ({figures} ship)."


def compare_verdict(tools: list[Tool], rows: list[ScorecardRow]) -> Verdict:
    """The verdict strip for these tools (annotated for cards), from the page's scorecard."""
    reviewed = [tool for tool in tools if tool.panel.reviewed]
    unreviewed = [tool for tool in tools if not tool.panel.reviewed]
    shipped = [tool for tool in reviewed if tool.panel.verdict == SHIP]
    pick = None
    if not reviewed:
        headline = "No pick yet"
        reason = "The panel has not reviewed these tools yet."
    elif not shipped:
        headline = "No clear pick"
        reason = "The panel " + "; it ".join(_panel_says(tool) for tool in reviewed) + "."
    else:
        top = max(tool.panel.average for tool in shipped)
        leaders = [tool for tool in shipped if tool.panel.average == top]
        if len(leaders) > 1:
            headline = "No clear pick"
            both = "both" if len(leaders) == 2 else "all"
            reason = f"{_names(leaders)} {both} average {top} and the panel would ship each."
        else:
            pick = leaders[0]
            headline = f"Panel pick: {pick.name}"
            reason = _why(pick, reviewed, rows)
    if unreviewed and reviewed:
        has = "has" if len(unreviewed) == 1 else "have"
        reason += f" {_names(unreviewed)} {has} not been reviewed yet."
    return Verdict(pick=pick, headline=headline, reason=reason, community=_community(tools, pick))


def figures_agreement(pick: Tool | None, numbers) -> str:
    """Whether the pick by the numbers (modelspecs/picks.py) agrees with the panel's pick, in
    words; empty when there is nothing to set side by side."""
    if pick is None or numbers is None:
        return ""
    agreeing, others = [], {}
    for use_pick in numbers.uses:
        if use_pick.pick is None:
            continue
        label = use_pick.use.label.lower()
        if use_pick.pick == pick:
            agreeing.append(label)
        else:
            others.setdefault(use_pick.pick.name, []).append(label)
    if others:
        costs_less = "; ".join(f"{name} for {in_words(labels)}" for name, labels in others.items())
        return f"The figures disagree: by price, the pick is {costs_less}."
    if agreeing:
        return f"The figures agree: {pick.name} is also the pick by price for {in_words(agreeing)}."
    return ""
