"""Fill the database with a realistic volume for `make bench`: 500 tools, 7 reviewers, 100k votes.

Loads on top of the demo data and is idempotent: a second run only tops up what is missing.
"""

from __future__ import annotations

import random

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from core.publishing import Status
from tools.models import Category, Tool
from verdicts.models import Review, Reviewer
from votes.models import Visitor, Vote

EXTRA_REVIEWERS = [
    ("The Operator", "operator", "Operator"),
    ("The Lawyer", "lawyer", "Lawyer"),
    ("The Teacher", "teacher", "Teacher"),
]


class Command(BaseCommand):
    help = "Seed benchmark data (500 tools, 7 reviewers, 100,000 votes) on top of the demo data."

    def add_arguments(self, parser):
        parser.add_argument("--tools", type=int, default=500)
        parser.add_argument("--votes", type=int, default=100_000)

    def handle(self, *args, tools: int, votes: int, **options):
        call_command("loaddata", "demo", "trust_demo", verbosity=0)
        rng = random.Random(42)
        with transaction.atomic():
            for order, (name, slug, lens) in enumerate(EXTRA_REVIEWERS, start=5):
                Reviewer.objects.get_or_create(
                    slug=slug, defaults={"name": name, "lens": lens, "order": order}
                )
            categories = list(Category.objects.all())
            missing = tools - Tool.objects.count()
            Tool.objects.bulk_create(
                Tool(
                    name=f"Bench Tool {index}",
                    slug=f"bench-tool-{index}",
                    maker="Bench Labs",
                    category=categories[index % len(categories)],
                    tagline="A generated tool that makes the benchmark realistic",
                    description="Generated for load testing. " * 6,
                    pricing_model=Tool.Pricing.FREEMIUM,
                    entry_price="$10/mo",
                    licence="Proprietary",
                    status=Status.PUBLISHED,
                )
                for index in range(max(missing, 0))
            )
            all_tools = list(Tool.objects.all())
            reviewers = list(Reviewer.objects.all())
            have = set(Review.objects.values_list("tool_id", "reviewer_id"))
            Review.objects.bulk_create(
                Review(
                    tool=tool,
                    reviewer=reviewer,
                    score=(score := rng.randint(30, 95)),
                    verdict="ship" if score >= 60 else "skip",
                    body="A generated paragraph of review text for the benchmark. " * 5,
                )
                for tool in all_tools
                for reviewer in reviewers
                if (tool.pk, reviewer.pk) not in have
            )
            missing_votes = votes - Vote.objects.count()
            if missing_votes > 0:
                per_visitor = 50
                visitors = Visitor.objects.bulk_create(
                    Visitor() for _ in range(missing_votes // per_visitor + 1)
                )
                rows = []
                for visitor in visitors:
                    for tool in rng.sample(all_tools, per_visitor):
                        rows.append(
                            Vote(visitor=visitor, tool=tool, value=rng.choice(["ship", "skip"]))
                        )
                Vote.objects.bulk_create(
                    rows[:missing_votes], batch_size=5000, ignore_conflicts=True
                )
        with connection.cursor() as cursor:
            # Fresh statistics and no dead rows left by an earlier run's votes, as autovacuum
            # would leave them in production (some test servers run with it off).
            cursor.execute("VACUUM ANALYZE")
        self.stdout.write(
            f"{Tool.objects.count()} tools, {Reviewer.objects.count()} reviewers, "
            f"{Review.objects.count()} reviews, {Vote.objects.count()} votes"
        )
