"""Freeze a real Postgres (SIGSTOP to every one of its processes) under the production server.

A frozen server is worse than a stopped one: its kernel still accepts connections and
acknowledges every byte, so nothing fails, it just never answers. The site must still answer:
/healthz 503 within its timeout, pages it has cached 200 at once, others the 503 page within
the statement timeout and its margin; and it recovers by itself once the server runs again.
"""

import contextlib
import signal

import psutil
import pytest

from tests.core.production_server import (
    fetch,
    free_port,
    gunicorn,
    load_demo,
    production_env,
    throwaway_postgres_server,
    wait_for,
)

STATEMENT_TIMEOUT = 1  # seconds; the client gives up two seconds after it


@pytest.fixture
def throwaway_postgres():
    with throwaway_postgres_server("frozen") as server:
        try:
            yield server
        finally:
            freeze(server, signal.SIGCONT)  # never leave a frozen server behind


def freeze(server, how: signal.Signals = signal.SIGSTOP) -> None:
    """Stop (or continue) the postmaster and every backend and helper it started."""
    postmaster = psutil.Process(server.get_pid())
    for process in [postmaster, *postmaster.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):  # a helper that exited meanwhile
            process.send_signal(how)


def test_a_frozen_database_is_answered_within_seconds_and_cached_pages_stay_up(
    throwaway_postgres, collected_static_root
):
    port = free_port()
    env = production_env(
        port,
        collected_static_root,
        throwaway_postgres.get_uri(database="postgres"),
        DATABASE_CONNECT_TIMEOUT="2",
        DATABASE_STATEMENT_TIMEOUT=str(STATEMENT_TIMEOUT),
    )
    load_demo(env)
    with gunicorn(env) as base:
        status, cached_page, _ = fetch(base + "/tools/cursor/")
        assert status == 200
        fetch(base + "/tools/ollama/")  # every gunicorn thread that served holds a connection

        freeze(throwaway_postgres)
        status, _, elapsed = fetch(base + "/healthz")
        assert status == 503 and elapsed < 4  # HEALTHZ_TIMEOUT (2 s), or the connect timeout
        status, body, elapsed = fetch(base + "/tools/cursor/")
        assert (status, body) == (200, cached_page) and elapsed < 1
        status, body, elapsed = fetch(base + "/search/?q=llama")
        assert status == 503 and elapsed < STATEMENT_TIMEOUT + 2 + 1
        assert "back in a moment" in body
        status, _, elapsed = fetch(base + "/healthz")
        assert status == 503 and elapsed < 4
        status, body, elapsed = fetch(base + "/tools/cursor/")
        assert (status, body) == (200, cached_page) and elapsed < 1

        freeze(throwaway_postgres, signal.SIGCONT)
        assert wait_for(base + "/healthz", 200, seconds=15)[0] == 200
        status, body, _ = fetch(base + "/search/?q=llama")
        assert status == 200
