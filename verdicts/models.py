from __future__ import annotations

import re

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.publishing import Publishable, Status, live_q
from core.validators import SLUG_HELP, slug_is_clean, slug_validator
from verdicts.panel import SHIP, SKIP

# What a save compares with to tell whether a published verdict changed (VerdictChange).
LOADED = ("score", "verdict", "status")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"'(])")


def _first_sentence(body: str) -> tuple[str, str]:
    """Split a review into its first sentence and the rest (plain text, as written)."""
    text = body.strip()
    parts = _SENTENCE_END.split(text, maxsplit=1)
    if len(parts) == 1 or len(parts[0]) > 400:
        return text, ""
    return parts[0], parts[1]


def change_needs_reason(old_score: int, old_verdict: str, new_score: int, new_verdict: str) -> bool:
    """A verdict flip, or a score moving by VERDICT_REASON_SCORE_CHANGE or more."""
    return (
        old_verdict != new_verdict
        or abs(old_score - new_score) >= settings.VERDICT_REASON_SCORE_CHANGE
    )


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
        """What visitors see: live reviews by active critics of live tools."""
        return self.filter(live_q(), live_q("tool__"), reviewer__is_active=True)


class Review(Publishable):
    class Verdict(models.TextChoices):
        SHIP = SHIP, "Ship"
        SKIP = SKIP, "Skip"

    tool = models.ForeignKey("tools.Tool", on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="reviews")
    score = models.PositiveSmallIntegerField(
        help_text="0 to 100.", validators=[MaxValueValidator(100)]
    )
    verdict = models.CharField(max_length=4, choices=Verdict.choices)
    body = models.TextField(help_text="Plain paragraphs; HTML is shown as text.")
    # A review is live with its tool: publishing the tool publishes its published reviews.
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.PUBLISHED,
        help_text="Draft: kept off the site. Scheduled: goes live at the publish time.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()
    # Every change (who, when, old and new values, and why) in admin's History, with revert.
    history = HistoricalRecords(excluded_fields=["updated_at"])

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

    @classmethod
    def from_db(cls, db, field_names, values):
        review = super().from_db(db, field_names, values)
        # What the review said when loaded: a save compares against it (VerdictChange).
        loaded = dict(zip(field_names, values, strict=False))  # deferred fields are absent
        review._loaded = {n: loaded.get(n) for n in LOADED}
        return review

    def last_public(self, fields: tuple[str, ...] = LOADED) -> dict | None:
        """The score and verdict (or `fields`) readers last saw, None if never published: the
        stored row unless it is a draft, else its newest published revision. A verdict changed
        while the review was a draft is a change readers see when it is published again."""
        if self.pk is None:
            return None
        before = getattr(self, "_loaded", None) if fields == LOADED else None
        if before is None:
            before = type(self).objects.filter(pk=self.pk).values(*fields, "status").first()
        if before is not None and before["status"] != Status.DRAFT:
            return before
        return (
            type(self)
            .history.filter(id=self.pk)
            .exclude(status=Status.DRAFT)
            .order_by("-history_date", "-history_id")
            .values(*fields, "status")
            .first()
        )

    def public_change(self) -> dict | None:
        """What readers last saw, if saving now changes it enough to need a reason."""
        if self.status == Status.DRAFT or self.score is None:
            return None
        before = self.last_public()
        if before is None or before["score"] is None:
            return None
        if change_needs_reason(before["score"], before["verdict"], self.score, self.verdict):
            return before
        return None

    def needs_reason(self) -> bool:
        return self.public_change() is not None

    def clean(self) -> None:
        self.clean_publishing()

    def save(self, *args, **kwargs) -> None:
        before = self.public_change()
        super().save(*args, **kwargs)
        if before is not None:
            VerdictChange.objects.create(
                review=self,
                tool_id=self.tool_id,
                reviewer_id=self.reviewer_id,
                old_score=before["score"],
                new_score=self.score,
                old_verdict=before["verdict"],
                new_verdict=self.verdict,
                reason=getattr(self, "_change_reason", "") or "",
                changed_by=getattr(self, "_changed_by", None),
            )
        self._loaded = {n: getattr(self, n) for n in LOADED}

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


class VerdictChangeQuerySet(models.QuerySet):
    def public(self) -> VerdictChangeQuerySet:
        """Changes to reviews visitors can see, newest first."""
        return (
            self.filter(live_q("review__"), live_q("tool__"), reviewer__is_active=True)
            .select_related("reviewer")
            .order_by("-changed_at", "-pk")
        )


class VerdictChange(models.Model):
    """A published review's verdict flipped or its score moved a lot: dated, with the reason.

    Written by Review.save() however the review was saved (admin, shell, import); the admin
    requires the reason. Shown as the tool page's verdict history, in the feed and the digest.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="changes")
    tool = models.ForeignKey("tools.Tool", on_delete=models.CASCADE, related_name="verdict_changes")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.CASCADE, related_name="+")
    old_score = models.PositiveSmallIntegerField()
    new_score = models.PositiveSmallIntegerField()
    old_verdict = models.CharField(max_length=4, choices=Review.Verdict.choices)
    new_verdict = models.CharField(max_length=4, choices=Review.Verdict.choices)
    reason = models.TextField(blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = VerdictChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["tool", "-changed_at"])]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.tool_id}: {self.summary}"

    @property
    def flipped(self) -> bool:
        return self.old_verdict != self.new_verdict

    @property
    def summary(self) -> str:
        """ "skip → ship (45 → 86)" or "score 70 → 82"."""
        if self.flipped:
            return f"{self.old_verdict} → {self.new_verdict} ({self.old_score} → {self.new_score})"
        return f"score {self.old_score} → {self.new_score}"


class MethodChange(models.Model):
    """A dated entry of the public changelog of how scores, verdicts and votes are made."""

    changed_on = models.DateField(default=timezone.localdate)
    title = models.CharField(max_length=140)
    body = models.TextField(help_text="Plain paragraphs; HTML is shown as text.")

    class Meta:
        ordering = ["-changed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.changed_on}: {self.title}"
