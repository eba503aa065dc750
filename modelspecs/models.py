"""The numbers that decide a language model's bill and fit: per-token prices, context window,
output limit, modalities and abilities, one row per tool that is a model.

Imported from the models.dev catalogue (tools/models_dev.py); prices are Decimal, in US dollars
per million tokens, as the catalogue gives them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

PRICE = {
    "max_digits": 14,
    "decimal_places": 6,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(Decimal(0))],
}


# The abilities a job may need and a model may have: ModelSpec's field, and it in words.
ABILITIES = (
    ("tool_calling", "tool calling"),
    ("reasoning", "reasoning"),
    ("open_weights", "open weights"),
)


class ModelSpec(models.Model):
    """A tool's model facts. Only imports write them: editors' text stays on the tool."""

    tool = models.OneToOneField("tools.Tool", on_delete=models.CASCADE, related_name="model_spec")
    provider = models.CharField(max_length=60, help_text="The catalogue's provider id: openai.")
    model_id = models.CharField("model id", max_length=120, help_text="As the provider names it.")
    input_price = models.DecimalField("input, $ per 1M tokens", **PRICE)
    output_price = models.DecimalField("output, $ per 1M tokens", **PRICE)
    cached_input_price = models.DecimalField("cached input, $ per 1M tokens", **PRICE)
    context_window = models.PositiveIntegerField("context window, tokens", null=True, blank=True)
    output_limit = models.PositiveIntegerField("output limit, tokens", null=True, blank=True)
    input_modalities = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    output_modalities = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    tool_calling = models.BooleanField(default=False)
    reasoning = models.BooleanField(default=False)
    open_weights = models.BooleanField(default=False)
    release_date = models.DateField(null=True, blank=True)
    last_updated = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=100, help_text='E.g. "models.dev snapshot 1.0.398".')
    # The same model sold by other providers in the catalogue, and their lowest prices.
    other_providers = models.PositiveSmallIntegerField(default=0)
    lowest_other_input_price = models.DecimalField(**PRICE)
    lowest_other_output_price = models.DecimalField(**PRICE)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "model facts"
        verbose_name_plural = "model facts"
        # The directory's model facets filter and sort on these (tools/directory.py).
        indexes = [
            models.Index(fields=["output_price"], name="model_output_price"),
            models.Index(fields=["context_window"], name="model_context_window"),
            GinIndex(fields=["input_modalities"], name="model_input_modalities"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["provider", "model_id"], name="one_spec_per_model"),
            models.CheckConstraint(
                condition=Q(input_price__gte=0) & Q(output_price__gte=0),
                name="model_prices_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}/{self.model_id}"

    @property
    def has_prices(self) -> bool:
        """A published list price: both figures given and not both zero (the catalogue writes
        $0 and $0 for a model it has no list price for, which is not free)."""
        return (
            self.input_price is not None
            and self.output_price is not None
            and (self.input_price > 0 or self.output_price > 0)
        )


def spec_of(tool) -> ModelSpec | None:
    """The tool's model facts, or None; no query when the tool was fetched with
    `select_related("model_spec")`."""
    try:
        return tool.model_spec
    except ModelSpec.DoesNotExist:
        return None


class Use(models.Model):
    """A job people choose a model for ("Coding agent"): what a model must do to qualify, and a
    month of its traffic to cost it with. The pick by the numbers (modelspecs/picks.py), the cost
    calculator's typical uses and the methodology page all read these rows; editors keep them
    in the admin, and each change makes a new dated version of the method (PickMethod)."""

    slug = models.SlugField(unique=True, max_length=40)
    label = models.CharField(max_length=60, help_text='What the job is: "Coding agent".')
    volume_label = models.CharField(
        max_length=80, blank=True, help_text='The traffic in people\'s words: "10K tasks a month".'
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField("in use", default=True)
    needs_tool_calling = models.BooleanField("needs tool calling", default=False)
    needs_reasoning = models.BooleanField("needs reasoning", default=False)
    needs_open_weights = models.BooleanField("needs open weights", default=False)
    min_context = models.PositiveIntegerField(
        "minimum context, tokens", default=0, help_text="0: any context window qualifies."
    )
    needs_inputs = ArrayField(
        models.CharField(max_length=20),
        default=list,
        blank=True,
        verbose_name="needs to read",
        help_text='Input kinds a model must read besides text, comma-separated: "image,pdf".',
    )
    input_tokens = models.PositiveBigIntegerField("input tokens a month")
    output_tokens = models.PositiveBigIntegerField("output tokens a month")

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "use (a job a model is picked for)"
        verbose_name_plural = "uses (jobs a model is picked for)"

    def __str__(self) -> str:
        return self.label


class PickMethod(models.Model):
    """A dated version of how the pick by the numbers is made: the rules' text version and every
    active use as it stood (`uses`, the fields picks read), and which comparisons' picks the
    change flipped. Written by modelspecs.method.record_method_version()."""

    number = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True, help_text="What changed and why, in the editor's words.")
    rules = models.PositiveSmallIntegerField(default=1, help_text="modelspecs.picks.RULES_VERSION")
    uses = models.JSONField(default=list)
    # [{"pair": "a-vs-b", "use": "Coding agent", "before": "A", "after": "B"}, ...] (capped)
    flipped = models.JSONField(default=list)
    flipped_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"

    def __str__(self) -> str:
        return f"Version {self.number} ({self.created_at:%d %b %Y})"


class CatalogueChange(models.Model):
    """A newer catalogue snapshot's figures for a model, waiting for an editor: nothing a reader
    sees changes until it is approved (tools/staging.py applies it). One pending per model; a
    still newer snapshot replaces it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an editor"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    spec = models.ForeignKey(ModelSpec, on_delete=models.CASCADE, related_name="catalogue_changes")
    source = models.CharField(max_length=100)
    taken_on = models.DateField(null=True, blank=True, help_text="The snapshot's date.")
    # {field: value} as stored now and as the snapshot has it, for the fields that differ.
    before = models.JSONField(encoder=DjangoJSONEncoder)
    after = models.JSONField(encoder=DjangoJSONEncoder)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "catalogue change"
        constraints = [
            models.UniqueConstraint(
                fields=["spec"],
                condition=Q(status="pending"),
                name="one_pending_catalogue_change_per_model",
            )
        ]

    def __str__(self) -> str:
        if self.spec_id is None:
            return "catalogue change"
        return f"{self.spec.model_id}: {self.summary()}"

    def values(self, side: str) -> dict:
        """`before` or `after` as model values (Decimal prices, dates)."""
        raw = getattr(self, side)
        return {name: ModelSpec._meta.get_field(name).to_python(raw[name]) for name in raw}

    def summary(self) -> str:
        before, after = self.values("before"), self.values("after")
        return "; ".join(
            f"{ModelSpec._meta.get_field(name).verbose_name}: {shown(before.get(name))} → "
            f"{shown(after[name])}"
            for name in sorted(after)
        )


def shown(value) -> str:
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"${value.normalize():f}"
    return str(value)
