"""Searches are counted per address (RATE_LIMITS["search"]): past the limit a clear 429 with
Retry-After, for the page and for the as-you-type suggestions, never stored by a cache."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": {"ip": "4/h"}}


@pytest.mark.parametrize(
    ("path", "headers"),
    [("/search/", {}), ("/search/suggest/", {"HTTP_HX_REQUEST": "true"})],
)
def test_a_flood_from_one_address_gets_429_and_others_search_on(
    reference_pair, tight, path, headers
):
    flooder = Client(REMOTE_ADDR="198.51.100.9")
    statuses = [flooder.get(path, {"q": f"llama {n}"}, **headers).status_code for n in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]
    refused = flooder.get(path, {"q": "mistral"}, **headers)
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert refused["Cache-Control"] == "no-store"
    assert "a lot of searches in a short time" in refused.content.decode()
    # Another address, and the same one claiming another through a header nobody trusts.
    assert (
        Client(REMOTE_ADDR="198.51.100.10").get(path, {"q": "mistral"}, **headers).status_code
        == 200
    )
    forged = Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert forged.get(path, {"q": "mistral"}, **headers).status_code == 429


def test_search_stays_open_when_its_counters_cannot_be_reached(reference_pair, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr("core.ratelimit.get_usage", broken)
    response = Client().get("/search/", {"q": "mistral"})
    assert response.status_code == 200 and "Mistral 3B" in response.content.decode()
