"""CSRF secrets come from one read of os.urandom, and Django's checks accept them."""

import collections
import re

import pytest
from django.middleware import csrf
from django.test import Client, RequestFactory

from comparesite import csrf_tokens


def test_a_new_visitors_token_costs_two_reads_of_the_random_source(monkeypatch):
    reads = []
    real = csrf_tokens.os.urandom
    monkeypatch.setattr(csrf_tokens.os, "urandom", lambda n: reads.append(n) or real(n))
    token = csrf.get_token(RequestFactory().get("/"))
    assert len(reads) == 2  # the secret, then the mask
    assert re.fullmatch(r"[a-zA-Z0-9]{64}", token)


def test_drawn_characters_cover_the_alphabet_evenly():
    counts = collections.Counter("".join(csrf_tokens.new_csrf_string() for _ in range(4000)))
    assert set(counts) == set(csrf.CSRF_ALLOWED_CHARS)
    expected = 4000 * 32 / 62
    # Every character within 10% of its share (about 6 standard deviations).
    assert all(abs(count - expected) < expected * 0.1 for count in counts.values())


def test_dropped_bytes_are_replaced_by_more_draws(monkeypatch):
    draws = iter([b"\xff" * 40 + b"\x00" * 8, b"\x01" * 48])
    monkeypatch.setattr(csrf_tokens.os, "urandom", lambda n: next(draws))
    assert csrf_tokens.new_csrf_string() == "a" * 8 + "b" * 24


@pytest.mark.django_db
def test_a_vote_with_the_pages_token_is_accepted_and_a_forged_one_is_not(reference_pair):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/compare/code-llama-4-vs-mistral-3b/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    forged = csrf_tokens.new_csrf_string() * 2
    refused = browser.post(
        "/tools/mistral-3b/vote/", {"value": "ship", "csrfmiddlewaretoken": forged}
    )
    assert refused.status_code == 403
    accepted = browser.post(
        "/tools/mistral-3b/vote/", {"value": "ship", "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 303
