"""Property-based tests of the compare path parser (hypothesis)."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.compare import SEPARATOR, MalformedPair, canonical_pair, parse_pair

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
slugs = st.from_regex(SLUG, fullmatch=True).filter(lambda s: "-vs-" not in s and len(s) <= 60)


@given(st.text(max_size=300))
def test_any_text_parses_or_is_rejected_cleanly(text):
    try:
        parsed = parse_pair(text)
    except MalformedPair:
        return
    assert 2 <= len(parsed) <= 4
    assert all(SLUG.fullmatch(slug) and SEPARATOR not in slug for slug in parsed)
    assert SEPARATOR.join(parsed) == text


@given(st.lists(slugs, min_size=2, max_size=4, unique=True))
def test_valid_comparisons_round_trip_through_the_canonical_form(pair):
    canonical = canonical_pair(pair)
    assert parse_pair(canonical) == sorted(pair)
    assert canonical_pair(parse_pair(canonical)) == canonical


@given(st.lists(slugs, min_size=1, max_size=1) | st.lists(slugs, min_size=5, max_size=8))
def test_other_counts_are_rejected(parts):
    with pytest.raises(MalformedPair):
        parse_pair(SEPARATOR.join(parts))


@pytest.mark.django_db
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=80))
def test_the_compare_view_never_fails_on_any_path(client, text):
    path = "/compare/" + text.replace("/", "").replace("?", "").replace("#", "") + "/"
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code in (200, 301, 400, 404), (path, response.status_code)
