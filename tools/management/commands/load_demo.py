"""`manage.py load_demo [--force]`: the demo fixtures (demo, trust_demo), loaded once.

`make run` calls it every time. Loading the fixtures again would save every demo tool again and
stamp it "Updated" today though nothing a reader sees changed, so once the demo's tools are
there it writes nothing; `--force` reloads them (after editing fixtures/demo.json, say)."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from tools.models import Tool

# Tools only the demo fixture has: their presence says it was loaded.
DEMO_SLUGS = ["code-llama-4", "mistral-3b"]


class Command(BaseCommand):
    help = "Load the demo fixtures unless they are loaded already (--force: reload them)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Load them again anyway.")

    def handle(self, *args, force: bool = False, **options) -> None:
        if not force and Tool.objects.filter(slug__in=DEMO_SLUGS).count() == len(DEMO_SLUGS):
            self.stdout.write("Demo data already loaded: nothing written (--force reloads it).")
            return
        call_command("loaddata", "demo", "trust_demo", verbosity=options.get("verbosity", 1))
