"""Editors see a model's imported facts on its tool's page in the admin, read-only: the import
owns them (a re-import would overwrite an edit). ToolAdmin (tools/admin.py) takes the inline."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from modelspecs.method import SNAPSHOT_FIELDS, record_method_version
from modelspecs.models import ModelSpec, PickMethod, Use


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


class UseForm(forms.ModelForm):
    """A use, and why it changes: the reason is the new method version's note, public on the
    methodology page."""

    reason = forms.CharField(
        label="Reason for this change",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown on the methodology page with the new version of the method.",
    )

    class Meta:
        model = Use
        # What a pick reads (a version keeps the same), and whether the use is offered.
        fields = [*SNAPSHOT_FIELDS, "is_active"]


@admin.register(Use)
class UseAdmin(SimpleHistoryAdmin):
    """Uses are data: editing one makes a new dated version of the pick method, listing the
    comparisons whose pick it flipped (modelspecs/method.py). Retire a use with "in use"."""

    form = UseForm
    list_display = ("label", "volume_label", "min_context", "needs_tool_calling", "is_active")
    list_editable = ()
    prepopulated_fields = {"slug": ("label",)}

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        version = record_method_version(note=form.cleaned_data["reason"])
        if version is not None:
            self.message_user(
                request,
                f"Method version {version.number}: the pick changed on "
                f"{version.flipped_count} comparison(s).",
                messages.SUCCESS,
            )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a use is retired ("in use" off), so old versions keep their meaning


@admin.register(PickMethod)
class PickMethodAdmin(admin.ModelAdmin):
    """The dated versions of the method: written by use changes, read-only here."""

    list_display = ("number", "created_at", "note", "flipped_count")
    readonly_fields = ("number", "created_at", "rules", "uses", "flipped", "flipped_count")
    fields = ("number", "created_at", "note", "rules", "uses", "flipped_count", "flipped")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
