from django.contrib import admin

from core.admin import (
    CatalogueImportExport,
    DeletedOnlyBySuperusers,
    NoBulkDeleteUnlessSuperuser,
)
from verdicts.models import MethodChange, Review, Reviewer
from verdicts.resources import ReviewResource


@admin.register(Reviewer)
class ReviewerAdmin(NoBulkDeleteUnlessSuperuser, admin.ModelAdmin):
    list_display = ("name", "lens", "slug", "order", "is_active")
    list_editable = ("order", "is_active")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "lens", "motto")


@admin.register(Review)
class ReviewAdmin(DeletedOnlyBySuperusers, CatalogueImportExport, admin.ModelAdmin):
    resource_classes = [ReviewResource]
    list_display = ("tool", "reviewer", "score", "verdict", "is_published", "published_at")
    list_filter = ("reviewer", "verdict", "is_published", "tool__category")
    list_select_related = ("tool", "reviewer")
    search_fields = ("tool__name", "body")
    date_hierarchy = "published_at"
    autocomplete_fields = ("tool",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(MethodChange)
class MethodChangeAdmin(NoBulkDeleteUnlessSuperuser, admin.ModelAdmin):
    list_display = ("changed_on", "title")
    search_fields = ("title", "body")
    date_hierarchy = "changed_on"
