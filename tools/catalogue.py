"""Importing catalogue files (tools, reviews) from the command line, all or nothing.

The files are the ones the admin exports (django-import-export, tools/resources.py and
verdicts/resources.py), CSV or JSON; what a file holds is told by its columns. The admin's
own import runs the same resources through django-import-export's views.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from import_export.formats.base_formats import JSON
from import_export.resources import ModelResource
from import_export.results import Result, RowResult

from core.purge import collected, purge
from core.resources import CatalogueResource, SpreadsheetCSV
from tools.resources import ToolResource
from verdicts.resources import ReviewResource

# In import order: reviews name their tools, which may be new in the same run.
RESOURCES: list[type[CatalogueResource]] = [ToolResource, ReviewResource]
FORMATS = {".csv": SpreadsheetCSV, ".json": JSON}


class CatalogueFileError(Exception):
    """A file that cannot be read as a catalogue file at all."""


@dataclass
class FileImport:
    path: Path
    resource: ModelResource
    result: Result
    # The line each data row starts on (CSV; a quoted value may span lines), else None.
    lines: list[int] | None

    @property
    def kind(self) -> str:
        return str(self.resource._meta.model._meta.verbose_name_plural)

    def where(self, row_number: int) -> str:
        """'line 5' in a CSV file, 'row 4' (the fourth record) in a JSON file."""
        if self.lines is not None and 0 < row_number <= len(self.lines):
            return f"line {self.lines[row_number - 1]}"
        return f"row {row_number}"

    def errors(self) -> list[str]:
        """Every problem, each as '<file> line N, <field>: <message>'."""
        found = [f"{self.path.name}: {error.error}" for error in self.result.base_errors]
        for number, row_errors in self.result.row_errors():
            found += [f"{self.path.name} {self.where(number)}: {e.error}" for e in row_errors]
        for invalid in self.result.invalid_rows:
            for field, messages in invalid.error_dict.items():
                label = "" if field == NON_FIELD_ERRORS else f", {field}"
                found += [
                    f"{self.path.name} {self.where(invalid.number)}{label}: {message}"
                    for message in messages
                ]
        return found

    def changes(self) -> list[str]:
        """Each new or changed row, naming the fields that change."""
        described = []
        for number, row in enumerate(self.result.rows, start=1):
            if row.import_type == RowResult.IMPORT_TYPE_NEW:
                described.append(f"{self.where(number)}: new {row.object_repr}")
            elif row.import_type == RowResult.IMPORT_TYPE_UPDATE:
                fields = changed_fields(self.resource, row.original, row.instance)
                described.append(f"{self.where(number)}: {row.object_repr}: {', '.join(fields)}")
        return described

    def summary(self) -> str:
        totals = self.result.totals
        return (
            f"{self.path.name} ({self.kind}): {totals[RowResult.IMPORT_TYPE_NEW]} new, "
            f"{totals[RowResult.IMPORT_TYPE_UPDATE]} changed, "
            f"{totals[RowResult.IMPORT_TYPE_SKIP]} unchanged"
            + "".join(
                f", {totals[kind]} {kind}"
                for kind in (RowResult.IMPORT_TYPE_INVALID, RowResult.IMPORT_TYPE_ERROR)
                if totals[kind]
            )
        )


def changed_fields(resource: ModelResource, original, instance) -> list[str]:
    return [
        field.column_name
        for field in resource.get_import_fields()
        if original is not None
        and instance is not None
        and field.export(original) != field.export(instance)
    ]


def read_catalogue_file(path: Path):
    """The dataset in a file, the resource its columns belong to, and where its rows start."""
    file_format = FORMATS.get(path.suffix.lower())
    if file_format is None:
        raise CatalogueFileError(f"{path.name}: not a .csv or .json file.")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise CatalogueFileError(f"{path}: {error.strerror}.") from None
    except UnicodeDecodeError:
        raise CatalogueFileError(f"{path.name}: not UTF-8 text.") from None
    try:
        dataset = file_format().create_dataset(text)
    except Exception as error:  # tablib raises whatever its parser raised
        title = file_format().get_title()
        raise CatalogueFileError(f"{path.name}: unreadable as {title}: {error}") from None
    headers = set(dataset.headers or [])
    for resource_class in reversed(RESOURCES):  # the one with the most key columns first
        keys = [
            resource_class.fields[name].column_name
            for name in resource_class._meta.import_id_fields
        ]
        if headers >= set(keys):
            lines = csv_row_lines(text) if file_format is SpreadsheetCSV else None
            return dataset, resource_class, lines
    raise CatalogueFileError(
        f"{path.name}: no tool or review columns (a tools file has 'slug', a reviews file "
        "'tool' and 'reviewer'); export one from the admin to see the format."
    )


def csv_row_lines(text: str) -> list[int]:
    """The line each data row starts on, skipping blank rows as tablib does."""
    reader = csv.reader(io.StringIO(text))
    starts = []
    previous_end = 0
    for index, row in enumerate(reader):
        start, previous_end = previous_end + 1, reader.line_num
        if index > 0 and row:
            starts.append(start)
    return starts


def import_catalogue(*, paths: list[Path], dry_run: bool = False) -> list[FileImport]:
    """Import the files in one transaction: tools before reviews; nothing is kept when any row
    of any file is invalid, or when it is a dry run. Rows are saved with `save()`, so cached
    pages are purged (on commit) as for any edit."""
    files = []
    for path in paths:
        dataset, resource_class, lines = read_catalogue_file(path)
        files.append((RESOURCES.index(resource_class), path, dataset, resource_class, lines))
    files.sort(key=lambda item: item[0])
    imported = []
    with collected() as keys, transaction.atomic():
        for _, path, dataset, resource_class, lines in files:
            resource = resource_class()
            resource.limit_rows = False  # outside a request: any size
            result = resource.import_data(
                dataset,
                dry_run=False,
                use_transactions=True,
                rollback_on_validation_errors=True,
                retain_instance_in_row_result=True,
            )
            imported.append(FileImport(path, resource, result, lines))
        kept = not dry_run and not any(file.errors() for file in imported)
        if not kept:
            transaction.set_rollback(True)
    if kept:
        purge(keys)  # once, after the commit: nothing for a dry run or a refused file
    return imported
