"""What an editorial change invalidates in the page cache (see comparesite/pagecache.py)."""

from __future__ import annotations

from collections.abc import Iterable

from comparesite.pagecache import bump
from tools.models import Category, Tool


def tool_names(tool: Tool) -> list[str]:
    return [f"tool:{tool.slug}", f"category:{tool.category.slug}"]


def tools_changed(tools: Iterable[Tool], *, editorial: bool = True) -> None:
    """These tools' pages, and the pages listing them, must be rendered again."""
    names = [name for tool in tools for name in tool_names(tool)]
    bump(*names, *(["catalog"] if editorial else []))


def snapshot(tool: Tool) -> list[str]:
    """The cache names a tool has before an edit, so renaming or moving it invalidates both."""
    if tool.pk is None:
        return []
    before = Tool.objects.select_related("category").filter(pk=tool.pk).first()
    return tool_names(before) if before else []


def category_changed(category: Category, previous_slug: str | None = None) -> None:
    bump(
        f"category:{category.slug}",
        *([f"category:{previous_slug}"] if previous_slug else []),
        "catalog",
    )


def panel_changed() -> None:
    bump("panel", "catalog")
