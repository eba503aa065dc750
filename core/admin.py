"""Admin rules that group permissions cannot say (the groups themselves: core/roles.py)."""

from __future__ import annotations

from django.contrib import messages
from django.db import router, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportMixin
from import_export.forms import ExportForm

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
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)
