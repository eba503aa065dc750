import re

import factory
import pytest
from django.utils import timezone
from factory.django import DjangoModelFactory

from newsletter.models import Subscriber

SITE = "https://shiplist.example"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/tools/code-llama-4/"}


class SubscriberFactory(DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    status = Subscriber.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


@pytest.fixture(autouse=True)
def _site_url(settings):
    """Links in emails are absolute, built from SITE_URL."""
    settings.SITE_URL = SITE


def link_in(text: str, kind: str) -> str:
    """The path of the first `kind` ('confirm' or 'unsubscribe') link in an email."""
    match = re.search(rf"{re.escape(SITE)}(/newsletter/{kind}/[^/\s\"<>]+/)", text)
    assert match, f"no {kind} link in:\n{text}"
    return match.group(1)


def html_of(message) -> str:
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return html
