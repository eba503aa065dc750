"""What the catalogue's import and export (django-import-export) share: rows found by natural
keys, strict values, every row validated, and no row saved unless every row is valid.

The resources themselves: tools/resources.py, verdicts/resources.py. Rows are saved one by one
with `save()`, so the model signals purge the cached pages they change, as any admin edit does.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.utils import timezone
from import_export import resources, widgets
from import_export.fields import Field
from import_export.formats.base_formats import CSV, JSON
from import_export.results import Error

from core.history import saves_since, when
from core.purge import collected, purge

# A cell starting with one of these is a formula to a spreadsheet (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _starts_a_formula(text: str) -> bool:
    """After any leading quotes, the text starts as a formula would."""
    return text.lstrip("'")[:1] in FORMULA_STARTS


def spreadsheet_safe(value: object) -> str:
    """Text a spreadsheet shows as text: one more leading quote before what would start a
    formula (after any quotes already there, so that `from_spreadsheet` is exact)."""
    text = "" if value is None else str(value)
    return "'" + text if _starts_a_formula(text) else text


def from_spreadsheet(value: object) -> object:
    """The value `spreadsheet_safe` was given back (other values as they are)."""
    if isinstance(value, str) and value[:1] == "'" and _starts_a_formula(value):
        return value[1:]
    return value


class SpreadsheetCSV(CSV):
    """CSV that a spreadsheet opens without running anything: cells are `spreadsheet_safe` on
    export and read back exactly on import. (django-import-export's own option,
    IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT, drops a leading "=" and nothing else: lossy, and
    "+", "-" and "@" stay live.)"""

    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(headers=dataset.headers)
        for row in dataset:
            safe.append([spreadsheet_safe(cell) for cell in row])
        return super().export_data(safe, **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        dataset = super().create_dataset(in_stream, **kwargs)
        plain = tablib.Dataset(headers=dataset.headers)
        for row in dataset:
            plain.append([from_spreadsheet(cell) for cell in row])
        return plain


# The file formats editors export and import, in the admin and from the command line.
FORMATS = [SpreadsheetCSV, JSON]


class SlugWidget(widgets.ForeignKeyWidget):
    """A related row named by its slug; an unknown slug is an error on this column."""

    def __init__(self, model, field: str = "slug") -> None:
        super().__init__(model, field)

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except ObjectDoesNotExist:
            name = self.model._meta.verbose_name
            raise ValueError(f"No {name} has the {self.field} {value!r}.") from None


class StrictBooleanWidget(widgets.BooleanWidget):
    """1/0, true/false; anything else is an error, not a quiet False."""

    def clean(self, value, row=None, **kwargs):
        known = [*self.TRUE_VALUES, *self.FALSE_VALUES, *self.NULL_VALUES]
        if isinstance(value, str):
            value = value.strip()
        if value not in known:
            raise ValueError(f"{value!r} is not a yes or no: use 1 or 0 (or true or false).")
        return super().clean(value, row, **kwargs)


class IsoDateTimeWidget(widgets.Widget):
    """ISO 8601 to the microsecond, so that an exported time imports back unchanged
    (django-import-export's own widget writes whole seconds). A time without an offset is read
    in the site's time zone; a date alone means midnight."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            moment = value
        else:
            try:
                moment = datetime.datetime.fromisoformat(str(value).strip())
            except ValueError:
                raise ValueError(
                    f"{value!r} is not a date and time: write it as 2026-10-12 09:30 or as "
                    "exported (2026-10-12T09:30:00+00:00)."
                ) from None
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment

    def render(self, value, obj=None, **kwargs):
        return timezone.localtime(value).isoformat() if value else ""


class CatalogueResource(resources.ModelResource):
    """A resource whose rows are found by natural keys (`import_id_fields`, slugs), validated
    whole (model `full_clean` plus `field_checks`), reported by field, and skipped when
    nothing in them changed."""

    # Field name -> checks run on the value the row sets, each raising ValidationError: rules the
    # model keeps only as a table constraint, which Django reports away from the field.
    field_checks: dict[str, list[Callable]] = {}

    # When the row was last saved, as exported. A row that would change an object saved after
    # that (a colleague's edit made since the export) is refused, naming who changed what,
    # unless the file has an `overwrite` column saying 1 on that row. Never imported itself.
    updated_at = Field(
        attribute="updated_at", column_name="updated_at", readonly=True, widget=IsoDateTimeWidget()
    )

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    # An import in a request (the admin's) takes at most IMPORT_MAX_ROWS rows; the management
    # command, outside any request, lifts the cap.
    limit_rows = True

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._rows_by_key: dict[tuple, int] = {}

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if f.get_internal_type() == "BooleanField":
            return StrictBooleanWidget
        if f.get_internal_type() == "DateTimeField":
            return IsoDateTimeWidget
        return super().widget_from_django_field(f, default)

    def import_data(self, dataset, dry_run=False, **kwargs):
        """At most IMPORT_MAX_ROWS rows, else nothing is read; the rows' purges are made once,
        after the import commits, and not at all on a dry run or a refused file."""
        if self.limit_rows and len(dataset) > settings.IMPORT_MAX_ROWS:
            result = self.get_result_class()()
            result.append_base_error(
                Error(
                    ValidationError(
                        f"This file has {len(dataset):,} rows; one import takes at most "
                        f"{settings.IMPORT_MAX_ROWS:,} here. Split it, or import it with "
                        "`manage.py import_catalogue`, which takes any size outside a request."
                    )
                )
            )
            return result
        with collected() as keys:
            result = super().import_data(dataset, dry_run=dry_run, **kwargs)
        if not dry_run and not result.has_errors() and not result.has_validation_errors():
            purge(keys)
        return result

    def before_import(self, dataset, **kwargs) -> None:
        self._rows_by_key = {}

    def before_import_row(self, row, row_number=None, **kwargs) -> None:
        """A natural key twice in one file would make the second row overwrite the first."""
        columns = [self.fields[name].column_name for name in self.get_import_id_fields()]
        key = tuple(str(row.get(column, "")).strip() for column in columns)
        first = self._rows_by_key.setdefault(key, row_number)
        if first != row_number:
            raise ValidationError(
                {self.get_import_id_fields()[0]: f"Row {first} has the same {', '.join(columns)}."}
            )

    def get_instance(self, instance_loader, row):
        """An unknown slug in a key column is an error on that column, not a crash."""
        try:
            return super().get_instance(instance_loader, row)
        except ValueError as error:
            for name in self.get_import_id_fields():
                field = self.fields[name]
                try:
                    field.clean(row)
                except ValueError as field_error:
                    raise ValidationError({field.attribute: str(field_error)}) from None
            raise ValidationError(str(error)) from None

    def import_instance(self, instance, row, **kwargs) -> None:
        errors: dict[str, list] = {}
        imported = [f for f in self.get_import_fields() if f.column_name in row]
        before = [f.get_value(instance) for f in imported] if instance.pk else []
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        changes = instance.pk and before != [f.get_value(instance) for f in imported]
        if changes and (stale := self.changed_since_export(instance, row)):
            errors.setdefault(NON_FIELD_ERRORS, []).append(stale)
        for name, checks in self.field_checks.items():
            if name in errors or self.fields[name].column_name not in row:
                continue
            for check in checks:
                try:
                    check(getattr(instance, name))
                except ValidationError as error:
                    errors.setdefault(name, []).extend(error.messages)
        if not errors:
            for name, messages in self.check_row(instance, row).items():
                errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, row) -> dict[str, list[str]]:
        """Errors of a row beyond its fields' values, by field (an app's own rules)."""
        return {}

    def changed_since_export(self, instance, row) -> str:
        """Why this row may not overwrite `instance` (saved after the file was exported), or ""."""
        exported_text = str(row.get(self.fields["updated_at"].column_name) or "").strip()
        overwrite = str(row.get("overwrite") or "").strip().lower() in ("1", "true", "yes")
        if not exported_text or overwrite or instance.updated_at is None:
            return ""
        try:
            exported = IsoDateTimeWidget().clean(exported_text)
        except ValueError as error:
            return f"updated_at: {error}"
        if instance.updated_at <= exported:
            return ""
        history = getattr(type(instance), "history", None)
        saves = (
            saves_since(history.filter(**{instance._meta.pk.attname: instance.pk}), exported)
            if history
            else []
        )
        return (
            f"Not imported: this was changed after the file was exported ({when(exported)}): "
            + ("; ".join(saves) if saves else f"saved {when(instance.updated_at)}")
            + ". Export again and redo this row, or add an “overwrite” column with 1 on it "
            "to replace their change."
        )
