from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.validators import SLUG_HELP, slug_is_clean, slug_validator
from verdicts.panel import SHIP, SKIP


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
    def score_line(self) -> str:
        """'84/100 · ship'"""
        return f"{self.score}/100 · {self.verdict}"
