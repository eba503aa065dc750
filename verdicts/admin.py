from django.contrib import admin

from core.admin import NoBulkDeleteUnlessSuperuser
from verdicts.models import MethodChange, Reviewer, VerdictChange


@admin.register(Reviewer)
class ReviewerAdmin(NoBulkDeleteUnlessSuperuser, admin.ModelAdmin):
    list_display = ("name", "lens", "slug", "order", "is_active")
    list_editable = ("order", "is_active")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "lens", "motto")


@admin.register(MethodChange)
class MethodChangeAdmin(NoBulkDeleteUnlessSuperuser, admin.ModelAdmin):
    list_display = ("changed_on", "title")
    search_fields = ("title", "body")
    date_hierarchy = "changed_on"


@admin.register(VerdictChange)
class VerdictChangeAdmin(admin.ModelAdmin):
    """The public verdict history: written by review saves; editors may correct the reason."""

    list_display = ("changed_at", "tool", "reviewer", "summary", "reason", "changed_by")
    list_filter = ("reviewer",)
    list_select_related = ("tool", "reviewer", "changed_by")
    search_fields = ("tool__name", "reason")
    date_hierarchy = "changed_at"
    fields = ("tool", "reviewer", "summary", "reason", "changed_at", "changed_by")
    readonly_fields = ("tool", "reviewer", "summary", "changed_at", "changed_by")

    def has_add_permission(self, request) -> bool:
        return False
