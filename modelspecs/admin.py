"""Editors see a model's imported facts on its tool's page in the admin, read-only: the import
owns them (a re-import would overwrite an edit). ToolAdmin (tools/admin.py) takes the inline."""

from __future__ import annotations

from django.contrib import admin

from modelspecs.models import ModelSpec


class ModelSpecInline(admin.StackedInline):
    model = ModelSpec
    can_delete = False
    extra = 0
    max_num = 0
    verbose_name = verbose_name_plural = (
        "model facts (imported from models.dev: a re-import overwrites them)"
    )
    readonly_fields = [
        field.name for field in ModelSpec._meta.fields if field.name not in ("id", "tool")
    ]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
