from django.contrib import admin
from django.urls import reverse

from core import today
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


class ReasonFilter(admin.SimpleListFilter):
    title = "reason"
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return [("missing", "No reason given"), ("given", "Reason given")]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(reason="")
        if self.value() == "given":
            return queryset.exclude(reason="")
        return queryset


@today.work(
    "Verdict changes without a reason", permission="verdicts.change_verdictchange", order=70
)
def changes_without_a_reason(request) -> today.Work:
    """Readers see these in the verdict history with no reason (made in the shell, or before
    reasons were asked everywhere): an editor writes one in."""
    missing = VerdictChange.objects.public().filter(reason="")
    url = reverse("admin:verdicts_verdictchange_changelist") + "?reason=missing"
    return today.Work(missing.count(), url, "shown to readers without a reason")


@admin.register(VerdictChange)
class VerdictChangeAdmin(admin.ModelAdmin):
    """The public verdict history: written by review saves; editors may correct the reason."""

    list_display = ("changed_at", "tool", "reviewer", "summary", "reason", "changed_by")
    list_filter = (ReasonFilter, "reviewer")
    list_select_related = ("tool", "reviewer", "changed_by")
    search_fields = ("tool__name", "reason")
    date_hierarchy = "changed_at"
    fields = ("tool", "reviewer", "summary", "reason", "changed_at", "changed_by")
    readonly_fields = ("tool", "reviewer", "summary", "changed_at", "changed_by")

    def has_add_permission(self, request) -> bool:
        return False
