"""One purge interface (core/purge.py): every backend of settings.FRONTEND_CACHES gets the
editorial keys of a write through `purge_batch`, after the commit, off the writer's path."""

import threading
import time

import pytest
from django.db import transaction

from core import keys
from core.purge import purge

pytestmark = pytest.mark.django_db(transaction=True)

RECORDED: list[tuple[str, list[str]]] = []
SENT = threading.Event()
THREADS: set[str] = set()


class RecordingBackend:
    def __init__(self, params: dict) -> None:
        self.name = params["LOCATION"]
        self.delay = params.get("DELAY", 0)

    def purge_batch(self, keys: list[str]) -> None:
        time.sleep(self.delay)
        RECORDED.append((self.name, keys))
        THREADS.add(threading.current_thread().name)
        SENT.set()


class BrokenBackend:
    def __init__(self, params: dict) -> None:
        pass

    def purge_batch(self, keys: list[str]) -> None:
        raise ConnectionError("the CDN is down")


BACKEND = "tests.core.test_purge.RecordingBackend"


@pytest.fixture(autouse=True)
def recorded():
    RECORDED.clear()
    SENT.clear()
    yield RECORDED


def wait_for_sends(count: int) -> list:
    deadline = time.monotonic() + 5
    while len(RECORDED) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return sorted(RECORDED)


@pytest.mark.parametrize(
    ("written", "sent"),
    [
        ([keys.tool(3), keys.TOOLS], ["tool-3", "tools"]),
        ([keys.category(2), keys.tool(5), keys.tool(5)], ["category-2", "tool-5"]),
        ([keys.PANEL, keys.tally(4), keys.POPULAR], ["panel"]),
    ],
)
def test_every_configured_backend_gets_the_editorial_keys_after_the_commit(settings, written, sent):
    settings.FRONTEND_CACHES = {
        "a": {"BACKEND": BACKEND, "LOCATION": "a"},
        "b": {"BACKEND": BACKEND, "LOCATION": "b"},
    }
    with transaction.atomic():
        purge(written)
        time.sleep(0.05)
        assert RECORDED == []  # nothing leaves before the commit
    assert wait_for_sends(2) == [("a", sent), ("b", sent)]


def test_community_keys_are_never_sent_to_a_shared_cache(settings):
    settings.FRONTEND_CACHES = {"a": {"BACKEND": BACKEND, "LOCATION": "a"}}
    purge([keys.tally(1), keys.TALLIES, keys.POPULAR])
    time.sleep(0.1)
    assert RECORDED == []


def test_a_rolled_back_write_purges_no_shared_cache(settings):
    settings.FRONTEND_CACHES = {"a": {"BACKEND": BACKEND, "LOCATION": "a"}}
    with pytest.raises(RuntimeError), transaction.atomic():
        purge([keys.tool(9)])
        raise RuntimeError("the save failed")
    time.sleep(0.1)
    assert RECORDED == []


def test_a_slow_shared_cache_does_not_hold_up_the_write(settings):
    settings.FRONTEND_CACHES = {"slow": {"BACKEND": BACKEND, "LOCATION": "slow", "DELAY": 1.0}}
    started = time.monotonic()
    purge([keys.tool(1)])
    assert time.monotonic() - started < 0.5
    assert wait_for_sends(1) == [("slow", ["tool-1"])]


def test_a_broken_backend_is_logged_and_the_others_still_hear(settings, caplog):
    settings.FRONTEND_CACHES = {
        "broken": {"BACKEND": "tests.core.test_purge.BrokenBackend"},
        "a": {"BACKEND": BACKEND, "LOCATION": "a"},
    }
    purge([keys.tool(2)])
    assert wait_for_sends(1) == [("a", ["tool-2"])]
    assert "could not purge ['tool-2'] from BrokenBackend" in caplog.text


def test_a_tool_save_reaches_the_shared_cache(settings, reference_pair):
    settings.FRONTEND_CACHES = {"a": {"BACKEND": BACKEND, "LOCATION": "a"}}
    tool = reference_pair[0]
    tool.tagline = "Edited"
    tool.save()
    (sent,) = [names for _, names in wait_for_sends(1)]
    assert f"tool-{tool.pk}" in sent and "tools" in sent


def test_many_writes_queue_their_purges_on_one_thread_in_order(settings):
    settings.FRONTEND_CACHES = {"a": {"BACKEND": BACKEND, "LOCATION": "a"}}
    THREADS.clear()
    for number in range(40):
        purge([keys.tool(number)])
    sent = wait_for_sends(40)
    assert [names for _, names in RECORDED] == [[f"tool-{n}"] for n in range(40)]
    assert len(sent) == 40 and len(THREADS) == 1


def test_a_misconfigured_backend_never_fails_the_write(settings, caplog, reference_pair):
    settings.FRONTEND_CACHES = {"typo": {"BACKEND": "core.purge.NoSuchBackend"}}
    tool = reference_pair[0]
    tool.tagline = "Saved anyway"
    tool.save()
    tool.refresh_from_db()
    assert tool.tagline == "Saved anyway"
    assert "NoSuchBackend" in caplog.text


@pytest.mark.parametrize(
    ("secret", "warned"), [("", True), ("short", True), ("s" * 31, True), ("s" * 32, False)]
)
def test_a_deploy_check_warns_when_purges_carry_no_real_secret(settings, secret, warned):
    from core.checks import purges_carry_a_secret

    settings.FRONTEND_CACHES = {
        "varnish": {"BACKEND": "core.purge.VarnishBackend", "LOCATION": "x", "SECRET": secret}
    }
    assert [message.id for message in purges_carry_a_secret(None)] == (
        ["core.W005"] if warned else []
    )


def test_the_varnish_backend_sends_its_secret(monkeypatch):
    from core.purge import VarnishBackend

    sent = []

    class Answer:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self):
            return b""

    def urlopen(request, timeout):
        sent.append((request.get_method(), dict(request.header_items())))
        return Answer()

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    VarnishBackend({"LOCATION": "http://cache/", "SECRET": "s3cret"}).purge_batch(["tool-1"])
    assert sent == [("PURGE", {"X-purge-keys": "tool-1", "X-purge-secret": "s3cret"})]
