from django.contrib import admin
from django.http import HttpRequest

from comparesite.pagecache import bump
from votes.identity import forget_visitor_state
from votes.models import Bookmark, Visitor, Vote
from votes.services import tally_changed


class ReadOnlyAdmin(admin.ModelAdmin):
    """Community data is written by visitors only; editors look, moderators may delete votes."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ("tool", "value", "visitor", "created_at", "updated_at")
    list_filter = ("value", "tool__category", "created_at", "tool")
    list_select_related = ("tool", "visitor", "visitor__user")
    search_fields = ("tool__name", "tool__slug")
    date_hierarchy = "created_at"

    def delete_model(self, request, obj):
        self.delete_queryset(request, Vote.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        affected = list(
            queryset.values_list("tool__slug", "tool__category__slug", "visitor_id").distinct()
        )
        super().delete_queryset(request, queryset)
        # The figures on every page showing these tools, and the voters' own pressed buttons.
        bump(*(name for tool, category, _ in affected for name in tally_changed(tool, category)))
        for visitor_id in {visitor for _, _, visitor in affected}:
            forget_visitor_state(visitor_id)


@admin.register(Bookmark)
class BookmarkAdmin(ReadOnlyAdmin):
    list_display = ("tool", "visitor", "created_at")
    list_filter = ("tool__category", "created_at")
    list_select_related = ("tool", "visitor", "visitor__user")
    search_fields = ("tool__name",)
    date_hierarchy = "created_at"

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Visitor)
class VisitorAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "user", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__username",)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
