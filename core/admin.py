"""Admin rules that group permissions cannot say (the groups themselves: core/roles.py)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from import_export.admin import ImportExportMixin
from import_export.forms import ExportForm

from core import today
from core.models import Presence, RefusedSave
from core.resources import FORMATS


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


class CatalogueImportExport(ImportExportMixin):
    """Import and export buttons on a changelist (django-import-export), in the catalogue's
    formats. Export needs the view permission; import needs add and change, and is all or
    nothing: the admin's first step is a dry run showing each row's change or its errors by
    row and field, and the confirmed import rolls back whole if any row fails."""

    formats = FORMATS
    # Every column, always: a file is the import format, and the library's column picker
    # needs inline scripts and styles, which the admin's CSP refuses.
    export_form_class = ExportForm

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def get_import_data_kwargs(self, **kwargs) -> dict:
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request: HttpRequest) -> HttpResponse:
        """The confirmed import found errors the dry run had not (the data changed meanwhile):
        it was rolled back, so say that instead of the library's "Import finished"."""
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        self.message_user(
            request,
            "Nothing was imported: the file no longer imports cleanly (the catalogue changed "
            "since the preview). Import it again to see the errors.",
            level=messages.ERROR,
        )
        info = (self.opts.app_label, self.opts.model_name)
        return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*info)))


class AtomicRevert:
    """History -> Revert in one transaction, as Django's own change form saves: the revert goes
    through the same form as an edit (stale-form check, verdict reasons), whose row lock needs
    one (simple-history's view runs outside any)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request._reverting = True
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if getattr(request, "_reverting", False):
            # The form is built on the old version: putting it back is the point, so there is
            # nothing to merge; a save by someone else since the page opened still refuses it.
            form = type(form.__name__, (form,), {"reverting": True})
        return form


class KeepsEveryonesWork:
    """A change form that names the colleagues who have it open ("eddie has this open since
    14:43", checked again every minute while the page is open) and records each save it refused
    because someone else had changed the object meanwhile (core/merging.py)."""

    change_form_template = "admin/change_form_with_presence.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/presence/",
                self.admin_site.admin_view(self.presence_view),
                name="{}_{}_presence".format(*info),
            ),
            *super().get_urls(),
        ]

    def presence_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponse(status=405, headers={"Allow": "POST"})
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return TemplateResponse(request, "admin/presence.html", self.presence_context(request, obj))

    def presence_context(self, request: HttpRequest, obj) -> dict:
        info = self.opts.app_label, self.opts.model_name
        return {
            "others_here": Presence.here(request.user, obj),
            "presence_url": reverse("admin:{}_{}_presence".format(*info), args=[obj.pk]),
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and obj.pk is not None:
            if self.has_change_permission(request, obj):
                context.update(self.presence_context(request, obj))
            if request.method == "POST":
                self.record_refusal(request, context, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def record_refusal(self, request: HttpRequest, context: dict, obj) -> None:
        forms = [context["adminform"].form] + [
            form
            for inline in context.get("inline_admin_formsets", [])
            for form in inline.formset.forms
        ]
        refused = [form.refusal for form in forms if getattr(form, "refusal", None) is not None]
        if not refused:
            return
        RefusedSave.objects.create(
            user=request.user,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            fields=", ".join(sorted({name for merge in refused for name in merge.theirs}))[:500],
            clashes=", ".join(
                sorted({clash.field for merge in refused for clash in merge.clashes})
            )[:500],
        )

    def response_change(self, request: HttpRequest, obj):
        Presence.left(request.user, obj)
        return super().response_change(request, obj)


class LastDayFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("day", "In the last 24 hours")]

    def queryset(self, request, queryset):
        if self.value() == "day":
            return queryset.filter(at__gte=timezone.now() - timedelta(days=1))
        return queryset


@admin.register(RefusedSave)
class RefusedSaveAdmin(admin.ModelAdmin):
    """Saves refused because a colleague had changed the same thing: each one a conversation
    two editors may need to have. Written by KeepsEveryonesWork; read only."""

    list_display = ("at", "user", "what", "fields", "clashes")
    list_filter = (LastDayFilter,)
    list_select_related = ("user", "content_type")
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="What")
    def what(self, refused: RefusedSave):
        try:
            url = reverse(
                f"admin:{refused.content_type.app_label}_{refused.content_type.model}_change",
                args=[refused.object_id],
            )
        except Exception:  # a model without a change page
            return refused.object_repr
        return format_html('<a href="{}">{}</a>', url, refused.object_repr)


@today.work("Saves refused in the last day", permission="core.view_refusedsave", order=80)
def refused_saves(request) -> today.Work:
    since = timezone.now() - timedelta(days=1)
    count = RefusedSave.objects.filter(at__gte=since).count()
    url = reverse("admin:core_refusedsave_changelist") + "?when=day"
    return today.Work(count, url, "two editors changed the same thing")
