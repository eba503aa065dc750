"""The same behaviour with the shared Redis cache production uses, and with Redis gone.

Runs against TEST_REDIS_URL (.ci/run sets it when the machine's Redis answers); the outage
tests point the cache at a port where nothing listens, a real refused connection.
"""

import os
import uuid

import pytest
from django.conf import settings
from django.test import Client, override_settings

from votes.models import Vote

pytestmark = pytest.mark.django_db

URL = "/compare/code-llama-4-vs-mistral-3b/"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


def redis_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        },
        "pages": settings.CACHES["pages"],  # each process's own tier stays in memory
    }


@pytest.fixture
def with_redis():
    if not REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI sets TEST_REDIS_URL when Redis answers; it is missing")
        pytest.skip("TEST_REDIS_URL is not set (no Redis here); CI runs these")
    with override_settings(CACHES=redis_cache(REDIS_URL)):
        yield


@pytest.fixture
def redis_down():
    with override_settings(CACHES=redis_cache("redis://127.0.0.1:9/0")):
        yield


def test_pages_are_cached_and_invalidated_through_redis(
    with_redis, reference_pair, client, later, settings
):
    other = Client()
    assert "No votes yet" in other.get(URL).content.decode()
    client.post("/tools/mistral-3b/vote/", {"value": "ship"})
    later(settings.TALLY_WINDOW_SECONDS)
    assert other.get(URL).content.decode().count("100% ship · 1 vote") == 1
    first = other.get(URL)
    assert other.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_rate_limits_are_counted_in_redis(with_redis, reference_pair, client):
    limits = {"ip": "1000/h", "visitor": "2/h"}
    with override_settings(RATE_LIMITS={"vote": limits, "bookmark": limits}):
        statuses = [
            client.post("/tools/mistral-3b/vote/", {"value": "ship"}).status_code for _ in range(4)
        ]
    assert statuses == [303, 303, 303, 429]


def test_with_redis_down_pages_still_serve(redis_down, reference_pair, client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Panel pick: Mistral 3B" in response.content.decode()
    assert client.get("/tools/code-llama-4/").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_with_redis_down_state_changes_are_refused_and_say_so(redis_down, reference_pair, client):
    response = client.post("/tools/mistral-3b/vote/", {"value": "ship"})
    assert response.status_code == 503
    assert "record that right now" in response.content.decode()
    assert not Vote.objects.exists()


def test_with_redis_down_a_visitor_with_a_session_still_gets_pages(reference_pair, client):
    client.post("/tools/mistral-3b/vote/", {"value": "ship"})
    with override_settings(CACHES=redis_cache("redis://127.0.0.1:9/0")):
        page = client.get("/tools/mistral-3b/")
        assert page.status_code == 200
        assert 'value="clear" aria-pressed="true"' in page.content.decode()
        assert client.post("/tools/mistral-3b/vote/", {"value": "skip"}).status_code == 503
    assert Vote.objects.get().value == "ship"


def test_the_cache_recovers_when_redis_drops_its_connection(with_redis):
    from django.core.cache import cache
    from django_redis import get_redis_connection

    cache.set("a-key", "a-value")
    client = get_redis_connection("default")
    # Redis closes every connection (a restart, an idle timeout): the next command reconnects.
    client.client_kill_filter(_type="normal", skipme=False)
    assert cache.get("a-key") == "a-value"


def test_rate_limits_in_their_own_redis_survive_the_cache_being_emptied(
    with_redis, reference_pair, client
):
    """What an LRU eviction of the whole page cache does: the counters, elsewhere, stay.
    (Both live in the one test database here, under two prefixes: the cache's keys are
    deleted by prefix, as eviction would, not by FLUSHDB.)"""
    from django.core.cache import cache

    caches = {**redis_cache(REDIS_URL), "ratelimit": redis_cache(REDIS_URL)["default"]}
    limits = {"ip": "1000/h", "visitor": "2/h"}
    with override_settings(
        CACHES=caches, RATELIMIT_USE_CACHE="ratelimit", RATE_LIMITS={"vote": limits}
    ):
        # The first vote, by no visitor yet, counts only against the address.
        statuses = [
            client.post("/tools/mistral-3b/vote/", {"value": "ship"}).status_code for _ in range(3)
        ]
        evicted = list(cache.iter_keys("*"))
        assert evicted  # the page cache held something (the visitor's state, pages)
        cache.delete_many(evicted)
        statuses.append(client.post("/tools/mistral-3b/vote/", {"value": "ship"}).status_code)
    assert statuses == [303, 303, 303, 429]


def test_kept_pages_are_counted_in_redis(with_redis, reference_pair, client):
    from core import pages

    assert pages.kept_pages() == 0
    client.get(URL)
    assert pages.kept_pages() == 1


def test_incr_is_one_round_trip_with_djangos_semantics(with_redis):
    """django-redis runs EXISTS and INCRBY as one script: it adds to an existing key, never
    creates a missing one (ValueError, as Django's does) and keeps the key's expiry; a value
    that is not a number still fails. (django-ratelimit counts with it, twice per vote.)"""
    from django.core.cache import cache
    from django_redis import get_redis_connection

    cache.set("counter", 1, 60)
    assert cache.incr("counter") == 2
    assert cache.incr("counter", 5) == 7
    assert cache.decr("counter", 3) == 4
    assert cache.get("counter") == 4
    client = get_redis_connection("default")
    assert 0 < client.ttl(cache.make_key("counter")) <= 60

    with pytest.raises(ValueError, match="not found"):
        cache.incr("missing")
    assert cache.get("missing") is None
    assert not client.exists(cache.make_key("missing"))

    sent = []
    execute = type(client).execute_command

    def counting(self, *args, **options):
        sent.append(args[0])
        return execute(self, *args, **options)

    type(client).execute_command = counting
    try:
        cache.incr("counter")
    finally:
        type(client).execute_command = execute
    assert sent in (["EVAL"], ["EVALSHA"])

    cache.set("text", "not a number")
    with pytest.raises(Exception):  # noqa: B017 (django-redis raises a TypeError here)
        cache.incr("text")
    assert cache.get("text") == "not a number"


def test_a_vote_drops_the_voters_cached_state_in_redis(with_redis, reference_pair, client):
    """The voter's cached state is dropped with each vote: their next page shows each vote
    they cast, new or changed."""
    from django.core.cache import cache

    from votes.identity import state_key

    tool_page = "/tools/mistral-3b/"
    client.post("/tools/mistral-3b/vote/", {"value": "ship"})
    from votes.models import Visitor

    visitor_id = Visitor.objects.get().pk
    assert 'value="clear" aria-pressed="true"' in client.get(tool_page).content.decode()
    assert cache.get(state_key(visitor_id)) is not None  # the page cached the state
    client.post("/tools/mistral-3b/vote/", {"value": "skip"})  # a change
    assert cache.get(state_key(visitor_id)) is None
    page = client.get(tool_page).content.decode()
    assert 'id="vote-mistral-3b-skip" type="submit" name="value" value="clear"' in page
    client.post("/tools/code-llama-4/vote/", {"value": "ship"})  # a new vote
    assert cache.get(state_key(visitor_id)) is None
