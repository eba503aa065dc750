"""Admin rules that group permissions cannot say (the groups themselves: core/roles.py)."""

from __future__ import annotations

from django.http import HttpRequest


class NoBulkDeleteUnlessSuperuser:
    """ "Delete selected" removes any number of rows past undo, without their delete pages'
    second look; only superusers are offered it, whatever permissions a group holds."""

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("delete_selected", None)
        return actions


class DeletedOnlyBySuperusers:
    """Rows retired or unpublished, never deleted, by anyone but a superuser (even a group given
    the delete permission by hand). Also keeps "Delete selected" and the inline's delete
    checkbox from everyone else, and refuses deleting a parent whose delete would cascade here."""

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser
