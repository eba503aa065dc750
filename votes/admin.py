from django.contrib import admin
from django.http import HttpRequest

from votes.models import Bookmark, Visitor, Vote


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
