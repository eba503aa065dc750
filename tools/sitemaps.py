"""Sitemaps: every page a search engine should find (Django's sitemaps framework)."""

from __future__ import annotations

from itertools import combinations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from tools.compare import canonical_pair
from tools.models import Category, Tool
from verdicts.models import Reviewer


class StaticSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self) -> list[str]:
        return [
            "tools:home",
            "tools:directory",
            "tools:compare_picker",
            "verdicts:panel",
            "disagreements",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class ToolSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Tool.objects.published().only("slug", "updated_at").order_by("slug")

    def lastmod(self, tool: Tool):
        return tool.updated_at


class CategorySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Category.objects.order_by("order", "slug")


class ReviewerSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Reviewer.objects.filter(is_active=True).order_by("order", "slug")


class ComparisonSitemap(Sitemap):
    """Two-way comparisons of tools that share a category: the pages people search for."""

    changefreq = "weekly"
    priority = 0.9

    def items(self) -> list[str]:
        by_category: dict[int, list[str]] = {}
        for slug, category_id in (
            Tool.objects.published().order_by("slug").values_list("slug", "category_id")
        ):
            by_category.setdefault(category_id, []).append(slug)
        return [
            canonical_pair([a, b])
            for slugs in by_category.values()
            for a, b in combinations(slugs, 2)
        ]

    def location(self, pair: str) -> str:
        return reverse("tools:compare", args=[pair])


SITEMAPS = {
    "pages": StaticSitemap,
    "tools": ToolSitemap,
    "comparisons": ComparisonSitemap,
    "categories": CategorySitemap,
    "reviewers": ReviewerSitemap,
}
