"""`manage.py import_models_dev [--provider openai ...] [--dry-run]`: see tools/models_dev.py."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tools.models_dev import SnapshotError, import_models, load_snapshot


class Command(BaseCommand):
    help = (
        "Import language models from the models.dev snapshot inside the installed models-dev "
        "package (no network): new models become draft tools, known ones get their prices, "
        "limits and abilities brought up to date; editors' text is never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--provider",
            action="append",
            dest="providers",
            metavar="ID",
            help="A catalogue provider id (repeatable); default: settings.MODELS_DEV_PROVIDERS.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; change nothing."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish new tools at once instead of making drafts (the demo uses it).",
        )
        parser.add_argument(
            "--model",
            action="append",
            dest="models",
            metavar="PROVIDER/ID",
            help="Only this model (repeatable), e.g. openai/gpt-4o; implies its provider.",
        )
        parser.add_argument(
            "--apply",
            action="store_true",
            help="Write known models' changed figures at once instead of staging them for an "
            "editor to approve (settings.MODELS_DEV_STAGE_CHANGES).",
        )
        parser.add_argument(
            "--snapshot", type=Path, help="Another snapshot file (data.json.gz) than the package's."
        )

    def handle(self, *args, providers, dry_run, publish, models, snapshot, apply, **options):
        try:
            loaded = load_snapshot(snapshot)
        except SnapshotError as error:
            raise CommandError(str(error)) from None
        if models and any("/" not in model for model in models):
            raise CommandError("--model takes a provider and a model id: openai/gpt-4o.")
        from_models = list(dict.fromkeys(model.split("/", 1)[0] for model in models or []))
        providers = providers or from_models or settings.MODELS_DEV_PROVIDERS
        unknown = [
            provider
            for provider in providers
            if not isinstance(loaded.providers.get(provider), dict)
        ]
        if unknown:
            raise CommandError(
                f"No provider {', '.join(unknown)} in the {loaded.source}. "
                f"Known: {', '.join(sorted(loaded.providers))}."
            )
        report = import_models(
            snapshot=loaded,
            providers=providers,
            dry_run=dry_run,
            publish=publish,
            only=set(models) if models else None,
            stage_changes=False if apply else None,
        )
        verbose = options["verbosity"] > 1 or dry_run
        for line in report.created if verbose else []:
            self.stdout.write(f"  + {line}")
        for line in report.updated if verbose or len(report.updated) <= 20 else []:
            self.stdout.write(f"  ~ {line}")
        for line in report.staged if verbose or len(report.staged) <= 20 else []:
            self.stdout.write(f"  ? {line} (waiting for an editor: admin, Catalogue changes)")
        for line in report.skipped:
            self.stderr.write(f"  skipped {line}")
        prefix = "Dry run, nothing was changed: would be " if dry_run else ""
        if options["verbosity"] > 0 or dry_run:
            self.stdout.write(f"{prefix}{report.summary()} from the {loaded.source}.")
