"""Finding the tools a visitor means from what they typed: "Cursr", "copilot", "cursor vs copilot".

One place for the picker, the search box and the helpful 404s, so that all three forgive the
same near misses. The published tools' names and slugs are read once per request (one query).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from core.cache import kept
from tools.models import Tool

# "cursor vs copilot", "Cursor VS. GitHub Copilot", "cursor versus copilot", "cursor or
# copilot", "cursor compared to copilot", "cursor vs. copilot vs. windsurf"
VERSUS = re.compile(
    r"\s+(?:vs\.?|versus|v\.?|or|compared\s+(?:to|with))\s+|\s*,\s*(?:or\s+)?",
    re.IGNORECASE,
)
ACCEPT = 0.8  # close enough to take without asking ("cursr" for "cursor" is 0.91)
SUGGEST = 0.5  # close enough to offer as "did you mean"


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


@dataclass
class Catalogue:
    tools: list[Tool]
    by_key: dict[str, Tool] = field(init=False)

    def __post_init__(self) -> None:
        self.by_key = {}
        for tool in self.tools:
            self.by_key.setdefault(_key(tool.slug.replace("-", " ")), tool)
            self.by_key.setdefault(_key(tool.name), tool)

    @classmethod
    def load(cls) -> Catalogue:
        return cls(list(Tool.objects.published().only("name", "slug").order_by("name")))

    def find(self, text: str) -> Tool | None:
        """The one tool `text` names: exactly, as a whole word of one name, or a near miss."""
        key = _key(text)
        if not key:
            return None
        if key in self.by_key:
            return self.by_key[key]
        pattern = re.compile(rf"(^| ){re.escape(key)}( |$)")
        containing = {tool.pk: tool for k, tool in self.by_key.items() if pattern.search(k)}
        if len(containing) == 1:
            return next(iter(containing.values()))
        close = difflib.get_close_matches(key, self.by_key, n=2, cutoff=ACCEPT)
        if len({self.by_key[k].pk for k in close}) == 1:
            return self.by_key[close[0]]
        return None

    def suggestions(self, text: str, limit: int = 4) -> list[Tool]:
        """Tools whose names look like `text`, best first (for "did you mean")."""
        found: list[Tool] = []
        for key in difflib.get_close_matches(_key(text), self.by_key, n=limit * 2, cutoff=SUGGEST):
            if self.by_key[key] not in found:
                found.append(self.by_key[key])
        return found[:limit]

    def versus(self, text: str) -> list[Tool] | None:
        """The tools of "a vs b (vs c ...)" when every part names one; None otherwise."""
        parts = VERSUS.split(text.strip())
        if len(parts) < 2:
            return None
        tools = [self.find(part) for part in parts]
        if None in tools:
            return None
        return tools


# Typo-tolerant search: each word of a search that no published tool's words start with is
# replaced by the nearest word of the catalogue's own vocabulary (names, slugs, makers,
# taglines), within one edit for short words and two for longer ones ("claud sonet" ->
# "claud sonnet", "gtp 5" -> "gpt 5", "cursr" -> "cursor"). Plain Python over a cached word
# list, so it works on every Postgres (the embedded one has no pg_trgm) and costs no query once
# the list is kept.
VOCABULARY_KEY = "tools:search-vocabulary"


def vocabulary() -> dict[str, int]:
    """Each word of a published tool's name, slug, maker or tagline, with how many tools use
    it."""

    def read() -> dict[str, int]:
        words: dict[str, int] = {}
        rows = Tool.objects.published().values_list("name", "slug", "maker", "tagline")
        for row in rows:
            for word in set(re.findall(r"\w+", " ".join(row).replace("-", " ").lower())):
                words[word] = words.get(word, 0) + 1
        return words

    # An hour at most: a tool going live at its scheduled time writes nothing to drop it.
    return kept(VOCABULARY_KEY, read, timeout=3600)


def edit_distance(first: str, second: str, limit: int) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions and swaps of
    two neighbours: "gtp" -> "gpt" is one), or limit + 1 once it is certain to exceed it."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, 1):
        current = [i] + [0] * len(second)
        for j, b in enumerate(second, 1):
            cost = 0 if a == b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def corrected(text: str) -> str | None:
    """`text` with each word nothing starts with replaced by its nearest catalogue word, or
    None when no word needed (or found) a correction."""
    known = vocabulary()
    words = re.findall(r"\w+", text.lower())
    changed = False
    fixed = []
    for word in words:
        if any(candidate.startswith(word) for candidate in known) or len(word) < 3:
            fixed.append(word)
            continue
        limit = 1 if len(word) <= 4 else 2
        # Nearest first; then one that starts like the word ("olama": ollama, not llama); then
        # the commonest.
        scored = [
            (distance, candidate[0] != word[0], -count, candidate)
            for candidate, count in known.items()
            if (distance := edit_distance(word, candidate, limit)) <= limit
        ]
        if scored:
            fixed.append(min(scored)[-1])
            changed = True
        else:
            fixed.append(word)
    return " ".join(fixed) if changed else None
