"""Editors' side of facts and corrections. ToolAdmin (tools/admin.py) takes FactCheckInline and
NeedsRecheckFilter from here; trust sits below tools and imports nothing of it."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from core.merging import MergesConcurrentEdits
from trust.models import EVERY_TOOL_FACTS, Correction, FactCheck, stale_before
from trust.services import handle_correction, mark_checked_today

NEEDS_RECHECK = "Needs re-check"
HTTPS_FIRST = {models.URLField: {"assume_scheme": "https"}}


def fully_checked_tool_ids() -> QuerySet:
    """Tools whose every always-present fact has a check that is not stale (a subquery)."""
    return (
        FactCheck.objects.filter(fact__in=EVERY_TOOL_FACTS, checked_on__gte=stale_before())
        .values("tool_id")
        .annotate(fresh=Count("fact", distinct=True))
        .filter(fresh=len(EVERY_TOOL_FACTS))
        .values("tool_id")
    )


class NeedsRecheckFilter(admin.SimpleListFilter):
    """On the tool changelist: tools with a fact unchecked, or checked too long ago."""

    title = "facts"
    parameter_name = "facts"

    def lookups(self, request, model_admin):
        return [("recheck", NEEDS_RECHECK), ("fresh", "All checked recently")]

    def queryset(self, request, queryset):
        if self.value() == "recheck":
            return queryset.exclude(pk__in=fully_checked_tool_ids())
        if self.value() == "fresh":
            return queryset.filter(pk__in=fully_checked_tool_ids())
        return queryset


class StaleCheckFilter(admin.SimpleListFilter):
    """On the fact checks changelist: checks older than FACT_STALE_DAYS."""

    title = "facts"
    parameter_name = "facts"

    def lookups(self, request, model_admin):
        return [("recheck", NEEDS_RECHECK), ("fresh", "Checked recently")]

    def queryset(self, request, queryset):
        if self.value() == "recheck":
            return queryset.stale()
        if self.value() == "fresh":
            return queryset.fresh()
        return queryset


class MissingFactsFormSet(BaseInlineFormSet):
    """The extra rows come pre-filled with the facts this tool has no check for yet."""

    def __init__(self, *args, **kwargs) -> None:
        instance = kwargs.get("instance")
        checked = (
            set(FactCheck.objects.filter(tool=instance).values_list("fact", flat=True))
            if instance is not None and instance.pk
            else set()
        )
        kwargs.setdefault(
            "initial", [{"fact": fact} for fact in EVERY_TOOL_FACTS if fact not in checked]
        )
        super().__init__(*args, **kwargs)


def https_first(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class FactCheckForm(MergesConcurrentEdits):
    """A fact check row on the tool form: merged, not overwritten, if a colleague re-checked
    the fact meanwhile (core/merging.py)."""

    class Meta:
        model = FactCheck
        fields = ("fact", "basis", "checked_on", "source_url")
        formfield_callback = https_first


class FactCheckInline(admin.StackedInline):
    """On the tool form: when each changing fact was last checked, where from, on whose word.
    Stacked, like the reviews: a table of four inputs is wider than a phone."""

    model = FactCheck
    form = FactCheckForm
    formset = MissingFactsFormSet
    fields = ("fact", "basis", "checked_on", "source_url")
    formfield_overrides = HTTPS_FIRST
    verbose_name = "fact check"
    verbose_name_plural = "Fact checks (when each fact was last checked, and where from)"

    def get_extra(self, request: HttpRequest, obj=None, **kwargs) -> int:
        if obj is None or obj.pk is None:
            return len(EVERY_TOOL_FACTS)
        checked = set(obj.fact_checks.values_list("fact", flat=True))
        return len([fact for fact in EVERY_TOOL_FACTS if fact not in checked])


@admin.register(FactCheck)
class FactCheckAdmin(admin.ModelAdmin):
    list_display = ("tool", "fact", "basis", "checked_on", "is_stale_display", "source_url")
    list_filter = (StaleCheckFilter, "fact", "basis")
    list_select_related = ("tool",)
    search_fields = ("tool__name", "source_url")
    date_hierarchy = "checked_on"
    autocomplete_fields = ("tool",)
    actions = ["checked_today"]
    formfield_overrides = HTTPS_FIRST

    @admin.display(description="Needs re-check", boolean=True)
    def is_stale_display(self, check: FactCheck) -> bool:
        return check.is_stale

    @admin.action(description="Checked again today (same source)", permissions=["change"])
    def checked_today(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = mark_checked_today(checks=list(queryset))
        self.message_user(request, f"{count} fact check(s) dated today.", messages.SUCCESS)


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Readers' reports. Moderators need only `trust.change_correction` (and view) to handle
    them; what the reader wrote is never edited."""

    list_display = ("created_at", "tool", "fact", "excerpt", "status", "handled_by", "handled_at")
    list_filter = ("status", "fact", "created_at")
    list_select_related = ("tool", "handled_by")
    search_fields = ("tool__name", "what_is_wrong", "email")
    date_hierarchy = "created_at"
    readonly_fields = (
        "tool",
        "fact",
        "what_is_wrong",
        "source_url",
        "email",
        "created_at",
        "handled_by",
        "handled_at",
    )
    fieldsets = (
        ("The report", {"fields": ("tool", "fact", "what_is_wrong", "source_url", "email")}),
        (
            "What the editors did",
            {"fields": ("status", "reply", "public_summary", "handled_by", "handled_at")},
        ),
        ("When", {"fields": ("created_at",)}),
    )
    actions = ["accept", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports come from readers, through the form

    @admin.display(description="What is wrong")
    def excerpt(self, correction: Correction) -> str:
        text = " ".join(correction.what_is_wrong.split())
        return text if len(text) <= 80 else text[:79] + "…"

    def save_model(self, request: HttpRequest, obj: Correction, form, change: bool) -> None:
        if "status" in form.changed_data:
            handle_correction(correction=obj, status=obj.status, editor=request.user)
        else:
            obj.save()

    def _handle(self, request: HttpRequest, queryset: QuerySet, status: str) -> None:
        for correction in queryset.exclude(status=status):
            handle_correction(correction=correction, status=status, editor=request.user)

    @admin.action(
        description="Accept selected reports (listed on the tool page)", permissions=["change"]
    )
    def accept(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._handle(request, queryset, Correction.Status.ACCEPTED)

    @admin.action(description="Reject selected reports", permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._handle(request, queryset, Correction.Status.REJECTED)
