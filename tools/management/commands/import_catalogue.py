"""`manage.py import_catalogue tools.csv reviews.csv [--dry-run]`: see tools/catalogue.py."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tools.catalogue import CatalogueFileError, import_catalogue


class Command(BaseCommand):
    help = (
        "Import tools and reviews from CSV or JSON files as the admin exports them, all or "
        "nothing: every row is validated and any error leaves the catalogue unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; change nothing."
        )

    def handle(self, *args, files: list[Path], dry_run: bool, **options):
        try:
            imported = import_catalogue(paths=files, dry_run=dry_run)
        except CatalogueFileError as error:
            raise CommandError(str(error)) from None
        errors = [message for file in imported for message in file.errors()]
        for file in imported:
            self.stdout.write(file.summary())
            if not errors:
                for change in file.changes():
                    self.stdout.write(f"  {change}")
        if errors:
            for message in errors:
                self.stderr.write(message)
            raise CommandError(f"{len(errors)} error(s): nothing was imported.")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        else:
            self.stdout.write(self.style.SUCCESS("Imported."))
