"""The site behind Varnish (deploy/varnish/default.vcl), as compose.yaml runs it.

Django's `live_server` serves in this process, so every request that reaches Django is seen by
the `request_started` signal; a page Varnish serves from its cache is not. The app purges the
Varnish of the test through `settings.FRONTEND_CACHES`.
"""

from __future__ import annotations

import re
import time
import urllib.parse

import pytest
from django.conf import settings
from django.core.signals import request_started

from tests.factories import VoteFactory
from tests.sharedcache.conftest import wait_until
from verdicts.models import Review

URL = "/compare/code-llama-4-vs-mistral-3b/"
PUBLIC_PAGES = [
    "/",
    URL,
    "/tools/",
    "/tools/code-llama-4/",
    "/categories/developer-tools/",
    "/reviewers/",
    "/reviewers/builder/",
    "/disagreements/",
]
KEYS = re.compile(r"[a-z0-9-]+( [a-z0-9-]+)*")


@pytest.fixture
def site_data(transactional_db, reference_pair):
    """The reference comparison, committed (`live_server` reads from another thread)."""
    return reference_pair


@pytest.fixture
def django_requests():
    """Paths of the requests that reached Django during the test (the health probe's aside)."""
    paths: list[str] = []

    def record(sender, environ=None, **kwargs) -> None:
        path = (environ or {}).get("PATH_INFO", "")
        if path != "/healthz":
            paths.append(path)

    request_started.connect(record, weak=False, dispatch_uid="sharedcache-count")
    yield paths
    request_started.disconnect(dispatch_uid="sharedcache-count")


def vote(varnish, slug: str, value: str, cookie: str = ""):
    """A vote as a browser sends it, through Varnish, from a page of the site."""
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": varnish.url.rstrip("/"),
        "Sec-Fetch-Site": "same-origin",
    }
    if cookie:
        headers["Cookie"] = cookie
    body = urllib.parse.urlencode({"value": value, "next": URL}).encode()
    return varnish.request("POST", f"/tools/{slug}/vote/", headers, body)


def visitor_cookie(response) -> str:
    """`visitor=...` (the signed identity a first vote brings) from a response's Set-Cookie
    headers."""
    for header in response.headers.get_all("Set-Cookie") or []:
        match = re.match(r"(visitor=[^;]+)", header)
        if match:
            return match.group(1)
    raise AssertionError(f"no visitor cookie in {response.headers.get_all('Set-Cookie')}")


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_second_anonymous_view_is_served_without_reaching_django(
    site_data, varnish_for_app, django_requests, path
):
    first = varnish_for_app.get(path, Accept_Encoding="gzip, deflate, br")
    assert first.status == 200, first.text[:500]
    assert first.cache == "MISS"
    assert "Set-Cookie" not in first.headers
    cache_control = first.headers["Cache-Control"]
    assert "public" in cache_control and "s-maxage=" in cache_control, cache_control
    assert first.headers["ETag"]
    keys = first.headers["Surrogate-Key"]
    assert KEYS.fullmatch(keys), keys
    assert first.headers["Cache-Tag"] == ",".join(keys.split())
    assert first.headers["Content-Encoding"] == "br"
    reached = len(django_requests)
    assert reached >= 1

    # Another visitor, another browser: other cookies, another spelling of the same encodings.
    second = varnish_for_app.get(
        path, Accept_Encoding="br, gzip", Cookie="csrftoken=someone-elses; theme=dark"
    )
    assert (second.status, second.cache) == (200, "HIT")
    assert second.body == first.body
    assert len(django_requests) == reached, django_requests


def test_an_editors_change_shows_through_varnish_within_a_second(site_data, varnish_for_app):
    code_llama, _ = site_data
    varnish_for_app.get(URL)
    assert varnish_for_app.get(URL).cache == "HIT"

    code_llama.tagline = "Rewritten by an editor a moment ago"
    code_llama.save()  # the app purges the tool's key once this commits

    started = time.monotonic()
    shown = wait_until(
        lambda: "Rewritten by an editor a moment ago" in varnish_for_app.get(URL).text, 1.0
    )
    assert shown, f"still the old page {time.monotonic() - started:.1f} s after the save"


def test_a_visitors_own_page_is_never_kept_for_anyone_else(site_data, varnish_for_app):
    voted = vote(varnish_for_app, "mistral-3b", "ship")
    assert (voted.status, voted.cache) == (303, "PASS"), voted.text[:500]
    cookie = visitor_cookie(voted)

    # With nothing cached yet, the voter views the page first: their own page, marked as theirs.
    personal = varnish_for_app.get(URL, Cookie=f"csrftoken=abc; {cookie}")
    assert (personal.status, personal.cache) == (200, "PASS")
    assert "private" in personal.headers["Cache-Control"]
    assert 'aria-pressed="true"' in personal.text, "the voter does not see their own vote"

    for _ in range(2):
        anonymous = varnish_for_app.get(URL)
        assert anonymous.status == 200
        assert 'aria-pressed="true"' not in anonymous.text
        assert "Set-Cookie" not in anonymous.headers
    assert anonymous.cache == "HIT"

    # And the other way round: with the public page cached, the voter still gets their own.
    again = varnish_for_app.get(URL, Cookie=cookie)
    assert again.cache == "PASS"
    assert 'aria-pressed="true"' in again.text


def test_a_vote_reaches_other_visitors_through_varnish_within_the_tally_window(
    site_data, varnish_for_app
):
    _, mistral = site_data
    window = settings.TALLY_WINDOW_SECONDS
    for _ in range(11):
        VoteFactory(tool=mistral, value="ship")
    before = varnish_for_app.get(URL)
    assert "11 votes" in before.text and "12 votes" not in before.text
    assert varnish_for_app.get(URL).cache == "HIT"

    voted = vote(varnish_for_app, "mistral-3b", "ship")
    assert voted.status == 303, voted.text[:500]
    started = time.monotonic()

    limit = window * 2 + 2
    seen = wait_until(lambda: "12 votes" in varnish_for_app.get(URL).text, limit, interval=0.2)
    assert seen, f"another visitor still sees 11 votes {time.monotonic() - started:.1f} s later"


def test_a_preview_image_and_a_badge_are_kept_and_purged_with_their_page(
    site_data, varnish_for_app, django_requests
):
    code_llama, _ = site_data
    page = varnish_for_app.get(URL).text
    image = urllib.parse.urlsplit(re.search(r'property="og:image" content="([^"]+)"', page)[1])
    badge = "/tools/code-llama-4/badge.svg"
    for path in (image.path, badge):
        assert varnish_for_app.get(path).status == 200
        assert varnish_for_app.get(path).cache == "HIT", path

    for review in Review.objects.filter(tool=code_llama):
        review.score, review.verdict = 12, "skip"
        review.save()  # purges the tool's key: its pages, its pictures and its badge

    def purged() -> bool:
        return varnish_for_app.get(image.path).status == 302

    assert wait_until(purged, 1.0), "the old picture is still served"
    assert "Skip 12/100" in varnish_for_app.get(badge).text
