from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from tools.models import Category, Tool
from trust.admin import FactCheckInline, NeedsRecheckFilter
from verdicts.models import Review, Reviewer
from verdicts.panel import VERDICT_LABELS


def active_reviewers(request: HttpRequest) -> list[Reviewer]:
    """The active panel, fetched once per admin request however many forms ask."""
    if not hasattr(request, "_active_reviewers"):
        request._active_reviewers = list(Reviewer.objects.filter(is_active=True))
    return request._active_reviewers


class ReviewInline(admin.TabularInline):
    """The tool's panel: one row per reviewer, pre-filled for reviewers who have not written yet."""

    model = Review
    fields = ("reviewer", "score", "verdict", "body", "is_published", "published_at")
    extra = 0
    min_num = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("reviewer")

    def get_extra(self, request: HttpRequest, obj: Tool | None = None, **kwargs) -> int:
        return len(missing_reviewers(request, obj))

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "reviewer":
            # Every inline row would otherwise run its own query for the reviewer <select>.
            choices = [("", "---------")] + [(r.pk, str(r)) for r in all_reviewers(request)]
            field.choices = choices
            inner_widget = getattr(field.widget, "widget", None)
            if inner_widget is not None:
                inner_widget.choices = choices
        return field


def all_reviewers(request: HttpRequest) -> list[Reviewer]:
    if not hasattr(request, "_all_reviewers"):
        request._all_reviewers = list(Reviewer.objects.all())
    return request._all_reviewers


def missing_reviewers(request: HttpRequest, tool: Tool | None) -> list[Reviewer]:
    if tool is None or tool.pk is None:
        return active_reviewers(request)
    if not hasattr(request, "_reviewed_by"):
        request._reviewed_by = set(tool.reviews.values_list("reviewer_id", flat=True))
    return [r for r in active_reviewers(request) if r.pk not in request._reviewed_by]


class PanelVerdictFilter(admin.SimpleListFilter):
    title = "panel verdict"
    parameter_name = "panel"

    def lookups(self, request, model_admin):
        return list(VERDICT_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() in VERDICT_LABELS:
            return queryset.filter(panel_verdict=self.value())
        return queryset


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Tool)
class ToolAdmin(admin.ModelAdmin):
    inlines = [ReviewInline, FactCheckInline]
    list_display = (
        "name",
        "category",
        "panel_summary",
        "panel_ship_percent_display",
        "panel_average_display",
        "community_display",
        "is_published",
        "updated_at",
    )
    list_filter = (
        "category",
        PanelVerdictFilter,
        "pricing_model",
        "is_published",
        NeedsRecheckFilter,
    )
    list_select_related = ("category",)
    search_fields = ("name", "slug", "maker", "tagline")
    prepopulated_fields = {"slug": ("name",)}
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "updated_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (
            None,
            {"fields": ("name", "slug", "maker", "category", "tagline", "description", "website")},
        ),
        (
            "Pricing and licence",
            {"fields": ("pricing_model", "entry_price", "pricing_details", "licence")},
        ),
        ("Publishing", {"fields": ("release_date", "is_published", "created_at", "updated_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_panel_summary().with_community_tally()

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, ReviewInline) and request.method != "POST":
            kwargs["initial"] = [{"reviewer": r.pk} for r in missing_reviewers(request, obj)]
        return kwargs

    @admin.display(description="Panel", ordering="panel_verdict")
    def panel_summary(self, tool: Tool) -> str:
        return str(tool.panel)

    @admin.display(description="Panel ship", ordering="panel_ship_percent")
    def panel_ship_percent_display(self, tool: Tool) -> str:
        percent = tool.panel.ship_percent
        return "–" if percent is None else f"{percent}%"

    @admin.display(description="Avg score", ordering="panel_average_score")
    def panel_average_display(self, tool: Tool) -> str:
        return tool.panel.average_display

    @admin.display(description="Community")
    def community_display(self, tool: Tool) -> str:
        return str(tool.community)
