from django.contrib import admin

from tools.changes import panel_changed, tools_changed
from verdicts.models import Review, Reviewer


@admin.register(Reviewer)
class ReviewerAdmin(admin.ModelAdmin):
    list_display = ("name", "lens", "slug", "order", "is_active")
    list_editable = ("order", "is_active")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "lens", "motto")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        panel_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        panel_changed()


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("tool", "reviewer", "score", "verdict", "is_published", "published_at")
    list_filter = ("reviewer", "verdict", "is_published", "tool__category")
    list_select_related = ("tool", "reviewer")
    search_fields = ("tool__name", "body")
    date_hierarchy = "published_at"
    autocomplete_fields = ("tool",)
    readonly_fields = ("created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        tools_changed([obj.tool])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        tools_changed([obj.tool])

    def delete_queryset(self, request, queryset):
        tools = [review.tool for review in queryset.select_related("tool__category")]
        super().delete_queryset(request, queryset)
        tools_changed(tools)
