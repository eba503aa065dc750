from __future__ import annotations

import re

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.validators import SLUG_HELP, slug_is_clean, slug_validator
from verdicts.panel import SHIP, SKIP

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"'(])")


def _first_sentence(body: str) -> tuple[str, str]:
    """Split a review into its first sentence and the rest (plain text, as written)."""
    text = body.strip()
    parts = _SENTENCE_END.split(text, maxsplit=1)
    if len(parts) == 1 or len(parts[0]) > 400:
        return text, ""
    return parts[0], parts[1]


class Reviewer(models.Model):
    """A critic persona on the panel. How many sit on it is data: add or deactivate freely."""

    name = models.CharField(max_length=80, help_text='e.g. "The Builder"')
    slug = models.SlugField(
        max_length=40, unique=True, validators=[slug_validator], help_text=SLUG_HELP
    )
    lens = models.CharField(max_length=40, help_text='The short label, e.g. "Builder".')
    motto = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)
    excited_by = models.TextField("gets excited about", blank=True)
    tired_of = models.TextField("is tired of", blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField("active", default=True)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=slug_is_clean(),
                name="reviewer_slug_clean",
                violation_error_message=SLUG_HELP,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("verdicts:reviewer", args=[self.slug])


class ReviewQuerySet(models.QuerySet):
    def published(self) -> ReviewQuerySet:
        return self.filter(is_published=True, reviewer__is_active=True, tool__is_published=True)


class Review(models.Model):
    class Verdict(models.TextChoices):
        SHIP = SHIP, "Ship"
        SKIP = SKIP, "Skip"

    tool = models.ForeignKey("tools.Tool", on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="reviews")
    score = models.PositiveSmallIntegerField(help_text="0 to 100.")
    verdict = models.CharField(max_length=4, choices=Verdict.choices)
    body = models.TextField(help_text="Plain paragraphs; HTML is shown as text.")
    is_published = models.BooleanField("published", default=True)
    published_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["reviewer__order", "reviewer__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tool", "reviewer"],
                name="one_review_per_tool_and_reviewer",
                violation_error_message="This reviewer has already reviewed this tool.",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100),
                name="review_score_0_to_100",
                violation_error_message="The score must be between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=[SHIP, SKIP]), name="review_verdict_ship_or_skip"
            ),
        ]
        indexes = [models.Index(fields=["-published_at"])]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.tool}: {self.score}/100 {self.verdict}"

    @property
    def lead(self) -> str:
        """The first sentence: what the compare page shows before "Read the full take"."""
        return _first_sentence(self.body)[0]

    @property
    def rest(self) -> str:
        return _first_sentence(self.body)[1]

    @property
    def score_line(self) -> str:
        """'84/100 · ship'"""
        return f"{self.score}/100 · {self.verdict}"


class MethodChange(models.Model):
    """A dated entry of the public changelog of how scores, verdicts and votes are made."""

    changed_on = models.DateField(default=timezone.localdate)
    title = models.CharField(max_length=140)
    body = models.TextField(help_text="Plain paragraphs; HTML is shown as text.")

    class Meta:
        ordering = ["-changed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.changed_on}: {self.title}"
