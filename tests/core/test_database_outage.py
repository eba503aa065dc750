"""Stop a real Postgres under a running site, then start it again.

A throwaway cluster from the embedded-Postgres package is migrated and loaded with the demo
data; the production server (gunicorn, DEBUG off) runs against it in a subprocess.
"""

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


@pytest.fixture
def throwaway_postgres():
    with throwaway_postgres_server("outage") as server:
        yield server


def test_pages_answer_503_while_the_database_is_down_and_recover_by_themselves(
    throwaway_postgres, collected_static_root
):
    port = free_port()
    env = production_env(
        port,
        collected_static_root,
        throwaway_postgres.get_uri(database="postgres"),
        DATABASE_CONNECT_TIMEOUT="2",
    )
    load_demo(env)
    with gunicorn(env) as base:
        status, cursor_page, _ = fetch(base + "/tools/cursor/")
        assert status == 200

        throwaway_postgres.stop()
        status, _, elapsed = wait_for(base + "/healthz", 503, seconds=10)
        assert status == 503 and elapsed < 5
        status, body, elapsed = fetch(base + "/tools/ollama/")
        assert status == 503 and elapsed < 5
        assert "back in a moment" in body
        status, _, _ = fetch(base + "/search/?q=llama")
        assert status == 503
        # A page already cached keeps being served: it needs no database.
        status, body, elapsed = fetch(base + "/tools/cursor/")
        assert (status, body) == (200, cursor_page) and elapsed < 1

        throwaway_postgres.start()
        assert wait_for(base + "/healthz", 200)[0] == 200
        status, body, _ = fetch(base + "/tools/ollama/")
        assert status == 200 and "Ollama" in body
