"""What lets a reader check us: when and where each changing fact was checked, and the errors
readers reported, with what the editors did about them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

WEB_ADDRESS = URLValidator(schemes=["http", "https"])
WHAT_IS_WRONG_MAX_LENGTH = 2000


class Fact(models.TextChoices):
    """The facts of a tool that change. A new one (per-token prices, say) is a new choice here,
    and a line next to the fact on the page: checks and reports take it by name."""

    PRICING = "pricing", "Pricing and entry price"
    LICENCE = "licence", "Licence"
    MAKER = "maker", "Maker"
    # A language model's figures (modelspecs.ModelSpec), as the models.dev catalogue gives them.
    MODEL_PRICES = "model_prices", "Per-token prices"
    MODEL_LIMITS = "model_limits", "Context, limits and abilities"


# Facts every tool has: a tool with one of them unchecked needs a check.
EVERY_TOOL_FACTS = (Fact.PRICING, Fact.LICENCE, Fact.MAKER)


def stale_before(today: datetime.date | None = None) -> datetime.date:
    """Checks made before this day are stale (older than FACT_STALE_DAYS)."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.FACT_STALE_DAYS)


class FactCheckQuerySet(models.QuerySet):
    def stale(self) -> FactCheckQuerySet:
        return self.filter(checked_on__lt=stale_before())

    def fresh(self) -> FactCheckQuerySet:
        return self.filter(checked_on__gte=stale_before())


class FactCheck(models.Model):
    """When one fact of a tool was last checked, where it comes from, and on whose word."""

    class Basis(models.TextChoices):
        CHECKED = "checked", "Checked by us"
        CLAIMED = "claimed", "Claimed by the maker"
        # Imported figures: the models.dev catalogue's word, as of the snapshot imported.
        CATALOGUE = "catalogue", "From the models.dev catalogue"

    tool = models.ForeignKey("tools.Tool", on_delete=models.CASCADE, related_name="fact_checks")
    fact = models.CharField(max_length=40, choices=Fact.choices)
    basis = models.CharField(
        max_length=10,
        choices=Basis.choices,
        default=Basis.CHECKED,
        help_text="Checked by us: we confirmed it ourselves. Claimed by the maker: we only have "
        "the maker's word (their site, a press release).",
    )
    checked_on = models.DateField(
        "last checked",
        default=timezone.localdate,
        help_text="When the site last confirmed the value against its source (for a catalogue "
        "figure: the date of the catalogue snapshot it was last imported from).",
    )
    changed_on = models.DateField(
        "last changed at the source",
        null=True,
        blank=True,
        help_text="When the source last changed the value, if it says (the catalogue does).",
    )
    source_url = models.URLField(
        "source", max_length=500, validators=[WEB_ADDRESS], help_text="Where the fact comes from."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = FactCheckQuerySet.as_manager()
    # Each re-check (who, when, what it said), on the tool's one timeline (tools/timeline.py).
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["tool", "fact"]
        constraints = [
            models.UniqueConstraint(
                fields=["tool", "fact"],
                name="one_check_per_tool_and_fact",
                violation_error_message="This fact of this tool already has a check: edit it.",
            ),
        ]
        indexes = [models.Index(fields=["checked_on"])]

    def __str__(self) -> str:
        return f"{self.get_fact_display()}: {self.get_basis_display().lower()}, {self.checked_on}"

    def clean(self) -> None:
        if self.checked_on and self.checked_on > timezone.localdate():
            raise ValidationError({"checked_on": "A check cannot be in the future."})

    @property
    def is_stale(self) -> bool:
        return self.checked_on < stale_before()

    @property
    def is_claim(self) -> bool:
        return self.basis == self.Basis.CLAIMED


# Which fields a fact is made of: a correction's fix changes one of them. Named, not imported:
# trust sits below tools (tests/test_layering.py).
FACT_FIELDS = {
    Fact.PRICING: ["entry_price", "pricing_details", "pricing_model"],
    Fact.LICENCE: ["licence"],
    Fact.MAKER: ["maker"],
    Fact.MODEL_PRICES: [
        "model_spec.input_price",
        "model_spec.output_price",
        "model_spec.cached_input_price",
    ],
    Fact.MODEL_LIMITS: ["model_spec.context_window", "model_spec.output_limit"],
}
OTHER_FIELDS = ["name", "tagline", "description", "website", "release_date"]


class CorrectionQuerySet(models.QuerySet):
    def accepted(self) -> CorrectionQuerySet:
        return self.filter(status=Correction.Status.ACCEPTED).order_by("-handled_at", "-pk")


class Correction(models.Model):
    """An error a reader reported, and what the editors made of it."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        # Editors: the fact was wrong and is fixed (public: "Corrected <date>: <summary>").
        ACCEPTED = "accepted", "Corrected"
        # Editors: checked, the page was right (nothing public).
        NO_CHANGE = "no_change", "No change needed"
        # Moderators' triage (nothing public, no reply).
        SPAM = "spam", "Spam"
        DUPLICATE = "duplicate", "Duplicate"
        REJECTED = "rejected", "Rejected (before outcomes were split)"

    OTHER = "other"
    FACT_CHOICES = [*Fact.choices, (OTHER, "Something else")]

    tool = models.ForeignKey("tools.Tool", on_delete=models.CASCADE, related_name="corrections")
    fact = models.CharField("which fact", max_length=40, choices=FACT_CHOICES)
    what_is_wrong = models.TextField(max_length=WHAT_IS_WRONG_MAX_LENGTH)
    source_url = models.URLField("source", max_length=500, blank=True, validators=[WEB_ADDRESS])
    email = models.EmailField(blank=True, help_text="Only for a reply; never shown.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    reply = models.TextField(
        "reply note", blank=True, help_text="What the editors decided and why (not public)."
    )
    public_summary = models.CharField(
        max_length=140,
        blank=True,
        help_text='Shown once accepted, after "Corrected 3 Dec 2026:", e.g. "entry price". '
        "Empty: the fact's name.",
    )
    # The fix an accepted report is tied to: the field changed from it, and its two values.
    fixed_field = models.CharField(max_length=60, blank=True, editable=False)
    fixed_before = models.TextField(blank=True, editable=False)
    fixed_after = models.TextField(blank=True, editable=False)
    replied_at = models.DateTimeField(null=True, blank=True, editable=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    handled_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField("reported at", default=timezone.now, editable=False)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["new", "accepted", "no_change", "spam", "duplicate", "rejected"]
                ),
                name="correction_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | ~Q(fixed_field=""),
                name="correction_accepted_with_a_fix",
                violation_error_message="A report is accepted only with the fix it led to.",
            ),
        ]
        indexes = [models.Index(fields=["tool", "status"])]

    def __str__(self) -> str:
        return f"{self.get_fact_display()} ({self.get_status_display().lower()})"

    @property
    def fields(self) -> list[str]:
        """The fields the reported fact is made of, on the tool or (model_spec.x) its figures:
        what a fix may change."""
        return FACT_FIELDS.get(self.fact, OTHER_FIELDS)

    @property
    def summary(self) -> str:
        """What the public line says was corrected."""
        return self.public_summary or self.get_fact_display().lower()
