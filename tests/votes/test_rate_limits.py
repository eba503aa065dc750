import pytest
from django.test import Client, override_settings

from tools.models import Tool
from votes.models import Bookmark, Vote

pytestmark = pytest.mark.django_db

TIGHT = {
    "vote": {"ip": "5/h", "visitor": "3/h"},  # hourly windows: no rollover mid-test
    "bookmark": {"ip": "5/h", "visitor": "3/h"},
}


@override_settings(RATE_LIMITS=TIGHT)
def test_one_visitor_is_limited_with_a_clear_429(client, tool):
    statuses = [
        client.post("/tools/code-llama-4/vote/", {"value": "ship"}).status_code for _ in range(5)
    ]
    assert statuses[:4] == [303, 303, 303, 303]  # the first creates the visitor, then 3 more
    response = client.post("/tools/code-llama-4/vote/", {"value": "skip"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    assert "wait a minute" in response.content.decode()
    assert Vote.objects.get().value == "ship"  # the refused switch changed nothing


@override_settings(RATE_LIMITS=TIGHT)
def test_one_address_is_limited_across_visitors(tool):
    statuses = [
        Client().post("/tools/code-llama-4/bookmark/", {"action": "add"}).status_code
        for _ in range(7)
    ]
    assert statuses.count(303) == 5
    assert statuses[5:] == [429, 429]
    assert Bookmark.objects.count() == 5


def test_a_broken_cache_refuses_writes_and_says_so(client, tool, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "add", broken)
    response = client.post("/tools/code-llama-4/vote/", {"value": "ship"})
    assert response.status_code == 503
    assert "record that right now" in response.content.decode()
    assert not Vote.objects.exists()
    assert Tool.objects.count() == 1


@override_settings(RATE_LIMITS=TIGHT, TRUSTED_PROXIES=["10.0.0.2"])
@pytest.mark.parametrize(
    ("peer", "counted"),
    [("203.0.113.9", 5), ("10.0.0.3", 5), ("10.0.0.2", 7)],  # only the proxy is believed
)
def test_a_forged_forwarded_address_counts_only_from_a_trusted_proxy(tool, peer, counted):
    statuses = [
        Client(REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
        .post("/tools/code-llama-4/bookmark/", {"action": "add"})
        .status_code
        for number in range(7)
    ]
    assert statuses.count(303) == counted
    assert Bookmark.objects.count() == counted
