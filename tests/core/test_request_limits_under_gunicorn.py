"""The production server (gunicorn.conf.py, DEBUG off) over a raw socket: oversized bodies are
refused at once, a stalled body answers 408 within REQUEST_BODY_TIMEOUT, request heads are
bounded by gunicorn's limits."""

import socket
import time
from pathlib import Path

import pytest

from tests.core.production_server import (
    free_port,
    gunicorn,
    production_env,
    url_of_the_test_database,
)

# The server uses the test database (for /healthz); marked, so that pytest-django sets it up.
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
BODY_TIMEOUT = 1.0


@pytest.fixture(scope="module")
def server(django_db_setup, collected_static_root):
    """One server for the module: nothing here writes, and most answers come before a query."""
    port = free_port()
    env = production_env(
        port,
        collected_static_root,
        url_of_the_test_database(),
        REQUEST_BODY_TIMEOUT=str(BODY_TIMEOUT),
    )
    with gunicorn(env):
        yield port


def exchange(port: int, data: bytes) -> tuple[bytes, float]:
    """Send `data` and return the status line of the answer and how long it took to come."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(10)
        started = time.monotonic()
        sock.sendall(data)
        answer = b""
        try:
            while b"\r\n" not in answer:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
        except OSError:
            pass
        return answer.split(b"\r\n", 1)[0], time.monotonic() - started


def head(method: str, path: str, *lines: str) -> bytes:
    return (
        "\r\n".join([f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *lines]) + "\r\n\r\n"
    ).encode()


def test_a_1_gib_body_is_refused_at_once(server):
    request = head("POST", "/", "Content-Type: text/plain", f"Content-Length: {1024**3}")
    status, elapsed = exchange(server, request + b"x" * 65536)
    assert status.startswith(b"HTTP/1.1 413 ") and elapsed < 1


def test_a_64_mib_file_part_is_refused_at_once(server):
    part = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
    )
    request = head(
        "POST",
        "/tools/anything/vote/",
        "Content-Type: multipart/form-data; boundary=B",
        f"Content-Length: {64 * 1024**2 + len(part)}",
    )
    status, elapsed = exchange(server, request + part + b"x" * 65536)
    assert status.startswith(b"HTTP/1.1 413 ") and elapsed < 1


def test_a_chunked_body_past_the_limit_is_refused(server):
    request = head(
        "POST",
        "/tools/anything/vote/",
        "Content-Type: application/x-www-form-urlencoded",
        "Transfer-Encoding: chunked",
    )
    chunks = b"400\r\n" + b"x" * 1024 + b"\r\n"
    status, elapsed = exchange(server, request + chunks * 40)
    assert status.startswith(b"HTTP/1.1 413 ") and elapsed < 1


def test_a_body_that_stops_arriving_answers_408_within_the_timeout(server):
    request = head(
        "POST",
        "/tools/anything/vote/",
        "Content-Type: application/x-www-form-urlencoded",
        "Content-Length: 1000",
    )
    status, elapsed = exchange(server, request + b"value=ship")
    assert status.startswith(b"HTTP/1.1 408 ")
    assert BODY_TIMEOUT * 0.9 < elapsed < BODY_TIMEOUT + 2


@pytest.mark.parametrize(
    "request_bytes",
    [
        head("GET", "/" + "a" * 5000),
        head("GET", "/", *(f"X-Filler-{index}: 1" for index in range(70))),
        head("GET", "/", "Cookie: " + "c" * 9000),
    ],
    ids=["long request line", "70 header fields", "a 9 KB header"],
)
def test_request_heads_are_bounded(server, request_bytes):
    status, _ = exchange(server, request_bytes)
    assert status.startswith(b"HTTP/1.1 4"), status
