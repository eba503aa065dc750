from __future__ import annotations

import re

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Replace
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.publishing import Publishable, live_q
from core.validators import SLUG_HELP, no_vs_validator, slug_is_clean, slug_validator
from verdicts.panel import PanelSummary, panel_derived_expressions, panel_expressions
from votes.tally import CommunityTally, community_expressions


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(
        max_length=80, unique=True, validators=[slug_validator], help_text=SLUG_HELP
    )
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(
                condition=slug_is_clean(),
                name="category_slug_clean",
                violation_error_message=SLUG_HELP,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("tools:category", args=[self.slug])


MAX_SEARCH_WORDS = 8


def search_words(text: str) -> list[str]:
    """The words of a search, lowercased, at most MAX_SEARCH_WORDS: "GPT-5.5?" -> gpt, 5, 5."""
    return re.findall(r"\w+", text.lower())[:MAX_SEARCH_WORDS]


class ToolQuerySet(models.QuerySet):
    def published(self) -> ToolQuerySet:
        """What visitors see: live now (not a draft, publish time come)."""
        return self.filter(live_q())

    def search(self, text: str) -> ToolQuerySet:
        r"""Tools whose stored search vector matches every word of `text` (as a prefix: "llam"
        finds Llama), best match first (name over maker and tagline over description).
        Words are `\w+` runs only, so nothing typed reaches the query as an operator."""
        words = search_words(text)
        if not words:
            return self.none()
        terms = " & ".join(f"{word}:*" for word in words)
        query = SearchQuery(terms, search_type="raw", config="simple")
        # Whether the name (or slug) alone holds every word: "gpt" is GPT-5.5's name, a word
        # in ChatGPT's description. Computed on the matched rows only.
        in_name = RawSQL(
            "to_tsvector('simple', tools_tool.name || ' ' || replace(tools_tool.slug, '-', ' '))"
            " @@ to_tsquery('simple', %s)",
            [terms],
            output_field=models.BooleanField(),
        )
        return (
            self.filter(search_vector=query)
            .annotate(search_rank=SearchRank(F("search_vector"), query), in_name=in_name)
            .order_by("-in_name", "-search_rank", "name")
        )

    def with_panel_summary(self) -> ToolQuerySet:
        """Annotate the panel_* figures (ships, skips, ship percent, average score, verdict)."""
        return self.annotate(**panel_expressions("reviews__")).annotate(
            **panel_derived_expressions()
        )

    def with_community_tally(self) -> ToolQuerySet:
        """Annotate community_ships and community_skips."""
        return self.annotate(**community_expressions())

    def for_cards(self) -> ToolQuerySet:
        """Everything a tool card shows, in one query however many tools."""
        return self.select_related("category").with_panel_summary().with_community_tally()


class Tool(Publishable):
    class Pricing(models.TextChoices):
        FREE = "free", "Free"
        FREEMIUM = "freemium", "Freemium"
        PAID = "paid", "Paid"
        OPEN_SOURCE = "open_source", "Open source"

    name = models.CharField(max_length=100)
    slug = models.SlugField(
        max_length=80,
        unique=True,
        validators=[slug_validator, no_vs_validator],
        help_text=SLUG_HELP + " May not contain '-vs-'. Renaming keeps the old address (301).",
    )
    maker = models.CharField(max_length=100)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="tools")
    tagline = models.CharField("best for", max_length=140, help_text="The one-line 'best for'.")
    description = models.TextField()
    website = models.URLField(blank=True)
    pricing_model = models.CharField(max_length=16, choices=Pricing.choices)
    entry_price = models.CharField(
        max_length=40, help_text='What it costs to start, e.g. "Free" or "$20/mo".'
    )
    pricing_details = models.CharField(max_length=200, blank=True)
    licence = models.CharField(max_length=100, blank=True)
    release_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # What search matches, kept by Postgres itself on every write (a generated column) and
    # indexed (GIN): the name and the slug's words first, then maker and tagline, then the
    # description. The 'simple' configuration: no stemming, any language's words as written.
    search_vector = models.GeneratedField(
        expression=(
            SearchVector("name", weight="A", config="simple")
            + SearchVector(Replace("slug", Value("-"), Value(" ")), weight="A", config="simple")
            + SearchVector("maker", weight="B", config="simple")
            + SearchVector("tagline", weight="B", config="simple")
            + SearchVector("description", weight="C", config="simple")
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ToolQuerySet.as_manager()
    # Every change to a tool's facts (who, when, old and new values, why) with revert in admin.
    history = HistoricalRecords(excluded_fields=["updated_at", "search_vector"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=slug_is_clean() & ~Q(slug__contains="-vs-"),
                name="tool_slug_clean_without_vs",
                violation_error_message=SLUG_HELP + " It may not contain '-vs-'.",
            ),
            models.CheckConstraint(
                condition=Q(pricing_model__in=["free", "freemium", "paid", "open_source"]),
                name="tool_pricing_model_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "status"]),
            GinIndex(fields=["search_vector"], name="tool_search_vector"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("tools:detail", args=[self.slug])

    def clean(self) -> None:
        self.clean_publishing()

    @property
    def monogram(self) -> str:
        return self.name[:1].upper()

    @property
    def monogram_tone(self) -> int:
        """One of 12 monogram colours, stable per slug (a CSS class: inline styles are banned)."""
        return sum((index + 1) * ord(char) for index, char in enumerate(self.slug)) % 12

    @property
    def price_summary(self) -> str:
        """The entry price, saying so when a free tier comes first ("Free or $20/mo")."""
        if self.pricing_model == self.Pricing.FREEMIUM and not self.entry_price.lower().startswith(
            "free"
        ):
            return f"Free or {self.entry_price}"
        return self.entry_price

    @property
    def pricing_line(self) -> str:
        return self.pricing_details or self.entry_price

    @property
    def panel(self) -> PanelSummary:
        if not hasattr(self, "panel_verdict"):
            annotated = Tool.objects.with_panel_summary().get(pk=self.pk)
            for name in (
                "panel_ships",
                "panel_skips",
                "panel_ship_percent",
                "panel_average_score",
                "panel_verdict",
            ):
                setattr(self, name, getattr(annotated, name))
        return PanelSummary.from_annotations(self)

    @property
    def community(self) -> CommunityTally:
        if not hasattr(self, "community_ships"):
            annotated = Tool.objects.with_community_tally().get(pk=self.pk)
            self.community_ships = annotated.community_ships
            self.community_skips = annotated.community_skips
        return CommunityTally.from_annotations(self)


class OldSlug(models.Model):
    """A slug a tool had before it was renamed: its old addresses answer 301 to the new ones."""

    slug = models.SlugField(max_length=80, unique=True)
    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="old_slugs")
    retired_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.slug} -> {self.tool.slug}"


class ComparisonView(models.Model):
    """How often a comparison page was viewed; written in batches by tools.popularity."""

    pair = models.CharField(max_length=400, unique=True)
    views = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["-views"])]

    def __str__(self) -> str:
        return f"{self.pair}: {self.views}"
