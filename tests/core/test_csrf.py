"""Forms are protected by where the browser says they come from (core/csrf.py), not by a token
in the cached page; Django's token remains for browsers that say nothing, and for the admin."""

import re

import pytest
from django.test import Client

from votes.models import Vote

pytestmark = pytest.mark.django_db

URL = "/tools/mistral-3b/vote/"
SITE = "http://testserver"


@pytest.fixture
def victim(reference_pair):
    """A visitor who voted skip before (so has the visitor cookie), in a browser that
    enforces CSRF."""
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(URL, {"value": "skip"}, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 303
    assert "visitor" in browser.cookies
    return browser


def vote_value() -> list[str]:
    return list(Vote.objects.values_list("value", flat=True))


@pytest.mark.parametrize("site", ["same-origin", "none"])
def test_same_origin_fetch_metadata_is_accepted(victim, site):
    response = victim.post(URL, {"value": "ship"}, HTTP_SEC_FETCH_SITE=site)
    assert response.status_code == 303
    assert vote_value() == ["ship"]


def test_a_matching_origin_without_fetch_metadata_is_accepted(victim):
    response = victim.post(URL, {"value": "ship"}, HTTP_ORIGIN=SITE)
    assert response.status_code == 303
    assert vote_value() == ["ship"]


@pytest.mark.parametrize(
    ("site", "origin"),
    [
        ("cross-site", "https://evil.example"),
        ("same-site", "http://shop.testserver"),
        ("cross-site", SITE),  # a forged Origin does not outweigh Fetch Metadata
        (None, "https://evil.example"),  # an older browser: Origin alone decides
        (None, "null"),
    ],
)
def test_requests_from_elsewhere_are_refused_and_change_nothing(victim, site, origin):
    headers = {"HTTP_ORIGIN": origin}
    if site:
        headers["HTTP_SEC_FETCH_SITE"] = site
    response = victim.post(URL, {"value": "ship"}, **headers)
    assert response.status_code == 403
    assert "came from another site" in response.content.decode()
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert vote_value() == ["skip"]


def test_htmx_from_elsewhere_gets_a_fragment(victim):
    response = victim.post(
        URL,
        {"value": "ship"},
        HTTP_SEC_FETCH_SITE="cross-site",
        HTTP_ORIGIN="https://evil.example",
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 403
    assert 'id="announcer"' in response.content.decode()
    assert vote_value() == ["skip"]


def test_a_trusted_sibling_origin_is_accepted(victim, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["http://shop.testserver"]
    response = victim.post(
        URL,
        {"value": "ship"},
        HTTP_SEC_FETCH_SITE="same-site",
        HTTP_ORIGIN="http://shop.testserver",
    )
    assert response.status_code == 303
    assert vote_value() == ["ship"]


def test_neither_header_nor_token_gets_a_confirmation_that_repeats_the_action(victim):
    response = victim.post(URL, {"value": "ship", "next": "/compare/code-llama-4-vs-mistral-3b/"})
    assert response.status_code == 403
    content = response.content.decode()
    assert "Confirm to continue" in content
    assert f'<form method="post" action="{URL}">' in content
    assert '<input type="hidden" name="value" value="ship">' in content
    assert vote_value() == ["skip"]  # nothing changed yet

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', content))
    confirmed = victim.post(URL, {**fields, "csrfmiddlewaretoken": token})
    assert confirmed.status_code == 303
    assert confirmed["Location"] == "/compare/code-llama-4-vs-mistral-3b/"
    assert vote_value() == ["ship"]


def test_the_confirmation_escapes_what_it_repeats(victim):
    response = victim.post(URL, {"value": '"><script>alert(1)</script>'})
    content = response.content.decode()
    assert "<script>alert(1)" not in content
    assert "&quot;&gt;&lt;script&gt;" in content


def test_the_admin_still_requires_djangos_token(db):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        "/admin/login/",
        {"username": "someone", "password": "wrong"},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 403
