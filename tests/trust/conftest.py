import datetime
import html
import re

import factory
import pytest
from django.utils import timezone
from factory.django import DjangoModelFactory

from tests.factories import ToolFactory
from trust.models import Correction, Fact, FactCheck


class FactCheckFactory(DjangoModelFactory):
    class Meta:
        model = FactCheck

    tool = factory.SubFactory(ToolFactory)
    fact = Fact.PRICING
    basis = FactCheck.Basis.CHECKED
    checked_on = factory.LazyFunction(timezone.localdate)
    source_url = "https://example.com/pricing"


class CorrectionFactory(DjangoModelFactory):
    class Meta:
        model = Correction

    tool = factory.SubFactory(ToolFactory)
    fact = Fact.PRICING
    what_is_wrong = "The entry price went up to $25/mo."
    status = Correction.Status.NEW
    # An accepted report is tied to its fix (trust/services.py fix_and_accept).
    fixed_field = factory.LazyAttribute(
        lambda report: "entry_price" if report.status == Correction.Status.ACCEPTED else ""
    )


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def text_of(response) -> str:
    """The visible text of a page, whitespace collapsed, entities decoded, no space before
    punctuation that follows a tag ("2 Dec 2026</time>, may be" reads "2 Dec 2026, may be")."""
    body = response.content.decode()
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    return re.sub(r" ([,.:;])", r"\1", text)


@pytest.fixture
def fully_checked(reference_pair):
    """Code Llama 4 with every fact checked by us a week ago."""
    code_llama = reference_pair[0]
    return [
        FactCheckFactory(
            tool=code_llama,
            fact=fact,
            checked_on=days_ago(7),
            source_url=f"https://www.llama.com/{fact}",
        )
        for fact in (Fact.PRICING, Fact.LICENCE, Fact.MAKER)
    ]
