"""Sitemaps: every page a search engine should find (Django's sitemaps framework)."""

from __future__ import annotations

from copy import copy
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import index
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from tools.compare import SEPARATOR, canonical_pair
from tools.models import Category, ComparisonView, Tool
from tools.views import BY_PANEL
from verdicts.models import Reviewer

# Addresses per sitemap file: well under the protocol's 50,000 (sitemap.xml is an index).
PER_FILE = 10_000


class PagedSitemap(Sitemap):
    """Addresses on SITE_URL's scheme and host, never on those a client sent."""

    limit = PER_FILE

    @property
    def protocol(self) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


def site_index(request: HttpRequest, **kwargs) -> HttpResponse:
    """Django's sitemap index, with each file's address on SITE_URL's host: the index takes the
    host from the request (`RequestSite`), which a client chooses."""
    on_site = copy(request)
    on_site.get_host = lambda: urlsplit(settings.SITE_URL).netloc
    return index(on_site, **kwargs)


class StaticSitemap(PagedSitemap):
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


class ToolSitemap(PagedSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Tool.objects.published().only("slug", "updated_at").order_by("slug")

    def lastmod(self, tool: Tool):
        return tool.updated_at


class CategorySitemap(PagedSitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Category.objects.order_by("order", "slug")


class ReviewerSitemap(PagedSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Reviewer.objects.filter(is_active=True).order_by("order", "slug")


class ComparisonSitemap(PagedSitemap):
    """The comparisons worth a search engine's time, not every pair: each published tool with
    its NEAREST_RIVALS next tools in its category's ranking (the pairs a reader weighs), plus
    the POPULAR_PAIRS most viewed two-tool pages. About 3 x tools addresses: finite at any scale
    (5,000 tools in one category would otherwise be 12.5 million pairs)."""

    changefreq = "weekly"
    priority = 0.9
    NEAREST_RIVALS = 3
    POPULAR_PAIRS = 1000

    def items(self) -> list[str]:
        ranked: dict[int, list[str]] = {}
        for slug, category_id in (
            Tool.objects.published()
            .with_panel_summary()
            .order_by("category_id", *BY_PANEL, "name")
            .values_list("slug", "category_id")
        ):
            ranked.setdefault(category_id, []).append(slug)
        pairs = {
            canonical_pair([slugs[index], rival])
            for slugs in ranked.values()
            for index in range(len(slugs))
            for rival in slugs[index + 1 : index + 1 + self.NEAREST_RIVALS]
        }
        published = {slug for slugs in ranked.values() for slug in slugs}
        for pair in ComparisonView.objects.order_by("-views", "pair").values_list(
            "pair", flat=True
        )[: self.POPULAR_PAIRS]:
            slugs = pair.split(SEPARATOR)
            if len(slugs) == 2 and published.issuperset(slugs):
                pairs.add(canonical_pair(slugs))
        return sorted(pairs)

    def location(self, pair: str) -> str:
        return reverse("tools:compare", args=[pair])


SITEMAPS = {
    "pages": StaticSitemap,
    "tools": ToolSitemap,
    "comparisons": ComparisonSitemap,
    "categories": CategorySitemap,
    "reviewers": ReviewerSitemap,
}
