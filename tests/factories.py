from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from tools.models import Category, Tool
from verdicts.models import Review, Reviewer
from votes.models import Bookmark, Visitor, Vote


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    description = "Tools that belong together."


class ToolFactory(DjangoModelFactory):
    class Meta:
        model = Tool

    name = factory.Sequence(lambda n: f"Tool {n}")
    slug = factory.Sequence(lambda n: f"tool-{n}")
    maker = "Acme AI"
    category = factory.SubFactory(CategoryFactory)
    tagline = "Does one thing well"
    description = "A tool made for tests."
    website = "https://example.com/"
    pricing_model = Tool.Pricing.FREE
    entry_price = "Free"
    pricing_details = "Free forever"
    licence = "MIT"
    # Live unless a test says otherwise (new tools made in the admin start as drafts).
    status = "published"
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class ReviewerFactory(DjangoModelFactory):
    class Meta:
        model = Reviewer
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"The Critic {n}")
    slug = factory.Sequence(lambda n: f"critic-{n}")
    lens = factory.Sequence(lambda n: f"Critic {n}")
    motto = "Show me."
    order = factory.Sequence(lambda n: n)


class ReviewFactory(DjangoModelFactory):
    class Meta:
        model = Review

    tool = factory.SubFactory(ToolFactory)
    reviewer = factory.SubFactory(ReviewerFactory)
    score = 80
    verdict = Review.Verdict.SHIP
    body = "It works as promised."
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class VisitorFactory(DjangoModelFactory):
    class Meta:
        model = Visitor


class VoteFactory(DjangoModelFactory):
    class Meta:
        model = Vote

    visitor = factory.SubFactory(VisitorFactory)
    tool = factory.SubFactory(ToolFactory)
    value = Vote.Value.SHIP


class BookmarkFactory(DjangoModelFactory):
    class Meta:
        model = Bookmark

    visitor = factory.SubFactory(VisitorFactory)
    tool = factory.SubFactory(ToolFactory)
