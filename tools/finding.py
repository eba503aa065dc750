"""Finding the tools a visitor means from what they typed: "Cursr", "copilot", "cursor vs copilot".

One place for the picker, the search box and the helpful 404s, so that all three forgive the
same near misses. The published tools' names and slugs are read once per request (one query).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from tools.models import Tool

# "cursor vs copilot", "Cursor VS. GitHub Copilot", "cursor versus copilot"
VERSUS = re.compile(r"\s+(?:vs\.?|versus)\s+", re.IGNORECASE)
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
