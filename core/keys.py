"""What a public page shows, named once: the keys pages carry and writes purge.

A page lists the keys of everything it shows (`Page.keys`); a write purges the keys of what it
changed (tools/signals.py for editorial writes, votes/services.py for votes), which bumps their
versions (core/pages.py). The same names go out in the `Surrogate-Key` header, so a shared HTTP
cache purges exactly what Django does.

Two kinds of key:

- **Editorial** (`soft=False`): a tool's facts and reviews, a category, the panel, the list of
  tools. Purged the moment the write commits, in this app's cache and in the shared cache.
- **Community** (`soft=True`): vote tallies and popular comparisons, which change many times a
  second on a busy page. Their versions are bumped too, but a page showing them compares them
  only once it is `TALLY_WINDOW_SECONDS` old, and they are never sent to a shared cache, which
  keeps such a page no longer than that (`s-maxage`). The voter sees their own vote at once (the
  vote's response, and their own pages, rendered for them; for ten seconds after it entirely
  afresh: core/pages.py insist_on_fresh_pages).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Key:
    name: str
    soft: bool = False

    def __str__(self) -> str:
        return self.name


def tool(pk: int) -> Key:
    """A tool's own facts, its reviews and its panel figures."""
    return Key(f"tool-{pk}")


def category(pk: int) -> Key:
    """A category's name and which tools it holds, in what order."""
    return Key(f"category-{pk}")


def tally(tool_pk: int) -> Key:
    """One tool's community votes."""
    return Key(f"tally-{tool_pk}", soft=True)


# Which tools are published, under what names and in what order: every listing.
TOOLS = Key("tools")
# The critics: names, lenses, who is active.
PANEL = Key("panel")
# How scores, verdicts and votes are made: the methodology page and its changelog.
METHOD = Key("method")
# Any tool's community votes: lists that sort or show many tallies.
TALLIES = Key("tallies", soft=True)
# The most viewed comparisons (home and category pages).
POPULAR = Key("popular", soft=True)
