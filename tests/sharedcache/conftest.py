"""Fixtures for the shared-cache suite: a real varnishd running deploy/varnish/default.vcl.

Each varnishd is started in the foreground (-F) with its own working directory (-n) in a
temporary folder, on a free port of 127.0.0.1, with the options of deploy/varnish/varnishd.params,
and a copy of default.vcl whose backend points at the server under test: a tiny stub
(`stub_backend`, for tests of the VCL alone) or Django's `live_server`. The health probe polls
every 0.2 s instead of 2 s so that "the backend went sick" takes a moment, not seconds.

Without varnishd (Debian: apt-get install varnish) the suite skips, except on CI (the CI
environment variable is set, see .ci/run), where a missing varnishd is a failure.
"""

from __future__ import annotations

import http.client
import os
import re
import shlex
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
PARAMS = ROOT / "deploy" / "varnish" / "varnishd.params"
PROBE_INTERVAL = "0.2s"
# What the tests' varnishd has in its environment, and the app sends with a PURGE.
PURGE_SECRET = "tests-only-purge-secret-" + "s" * 24


def varnishd_binary() -> str:
    found = shutil.which("varnishd") or next(
        (
            path
            for path in ("/usr/sbin/varnishd", "/usr/local/sbin/varnishd")
            if os.access(path, os.X_OK)
        ),
        None,
    )
    if found:
        return found
    reason = "varnishd is not installed (apt-get install varnish)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI is set, so the shared-cache suite must run.", pytrace=False)
    pytest.skip(reason)


def varnishd_params() -> list[str]:
    """The options in deploy/varnish/varnishd.params, as argv words."""
    words: list[str] = []
    for line in PARAMS.read_text().splitlines():
        words += shlex.split(line, comments=True)
    return words


def render_vcl(host: str, port: int) -> str:
    """default.vcl with its backend at host:port and a quicker health probe."""
    text = VCL.read_text()
    replacements = [
        (r'(?m)^(\s*\.host = )"[^"]*";', rf'\g<1>"{host}";'),
        (r'(?m)^(\s*\.port = )"[^"]*";', rf'\g<1>"{port}";'),
        (r"(?m)^(\s*\.interval = )[0-9.]+s;", rf"\g<1>{PROBE_INTERVAL};"),
    ]
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text, count=1)
        assert count == 1, f"default.vcl no longer has a line matching {pattern}"
    return text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def cache(self) -> str | None:
        return self.headers.get("X-Cache")


@dataclass
class Varnish:
    port: int
    proxy_port: int
    workdir: Path
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        timeout: float = 10,
    ) -> Response:
        """One request on a fresh connection; no redirects followed, no decoding of bodies."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Response(response.status, response.headers, response.read())
        finally:
            connection.close()

    def get(self, path: str, **headers: str) -> Response:
        return self.request("GET", path, {name.replace("_", "-"): v for name, v in headers.items()})

    def purge(self, keys: str, secret: str | None = None) -> Response:
        secret = PURGE_SECRET if secret is None else secret
        return self.request("PURGE", "/", {"X-Purge-Keys": keys, "X-Purge-Secret": secret})

    def request_via_proxy_protocol(self, client_ip: str, method: str, path: str, headers=None):
        """A request on the PROXY-protocol listener claiming to relay `client_ip` (as a TLS
        terminator in front of Varnish would); returns the status code."""
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        preamble = f"PROXY TCP4 {client_ip} 127.0.0.1 40000 {self.port}\r\n"
        with socket.create_connection(("127.0.0.1", self.proxy_port), timeout=10) as sock:
            sock.sendall((preamble + "\r\n".join(lines) + "\r\n\r\n").encode())
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        return int(answer.split(b" ", 2)[1])

    def adm(self, *command: str) -> str:
        """A varnishadm command against this varnishd (for diagnostics)."""
        result = subprocess.run(
            [
                shutil.which("varnishadm") or "/usr/bin/varnishadm",
                "-n",
                str(self.workdir),
                *command,
            ],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return result.stdout + result.stderr


def start_varnish(
    tmp_path: Path, backend_host: str, backend_port: int, purge_secret: str = PURGE_SECRET
) -> Varnish:
    binary = varnishd_binary()
    workdir = tmp_path / "varnish"
    vcl = tmp_path / "default.vcl"
    vcl.write_text(render_vcl(backend_host, backend_port))
    port, proxy_port = free_port(), free_port()
    log = (tmp_path / "varnishd.log").open("wb")
    process = subprocess.Popen(
        [
            binary,
            "-F",
            "-n",
            str(workdir),
            # The tests run as whoever runs pytest: no privilege separation (root would hand
            # the compiler to the varnish user, who cannot read a pytest temporary folder).
            "-j",
            "none",
            "-a",
            f"127.0.0.1:{port}",
            "-a",
            f"127.0.0.1:{proxy_port},PROXY",
            "-T",
            "127.0.0.1:0",
            "-f",
            str(vcl),
            "-s",
            "malloc,64m",
            *varnishd_params(),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PURGE_SECRET": purge_secret},
    )
    log.close()
    varnish = Varnish(port=port, proxy_port=proxy_port, workdir=workdir, process=process)
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            output = (tmp_path / "varnishd.log").read_text(errors="replace")
            pytest.fail(f"varnishd exited with {process.returncode}:\n{output}", pytrace=False)
        try:
            # Any HTTP answer means the child is up (PURGE from 127.0.0.1 with no keys: 400).
            varnish.request("PURGE", "/", timeout=1)
            return varnish
        except OSError:
            if time.monotonic() > deadline:
                stop_varnish(varnish)
                pytest.fail("varnishd did not answer within 30 s", pytrace=False)
            time.sleep(0.05)


def stop_varnish(varnish: Varnish) -> None:
    if varnish.process.poll() is None:
        varnish.process.terminate()
        try:
            varnish.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            varnish.process.kill()
            varnish.process.wait()


# --- The stub backend --------------------------------------------------------------------------


HANG_UP = 0  # a Route with this status closes the connection without answering


@dataclass
class Route:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    # When set, called with the request's headers to make the answer (status, headers, body).
    dynamic: Callable[[dict[str, str]], Route] | None = None


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class StubBackend:
    """A threaded HTTP server answering each path as told; unknown paths answer 404.

    `answer(path, status, headers, body)` sets (or changes) what a path answers (status
    HANG_UP: the connection is closed without an answer); `/healthz` answers 200 unless told
    otherwise. Every request but the probe's is recorded in `seen`.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {"/healthz": Route(200, {}, b"ok")}
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path
                with stub.lock:
                    if path != "/healthz":
                        stub.seen.append(Seen(self.command, path, dict(self.headers), body))
                    route = stub.routes.get(path.split("?")[0], Route(404, {}, b"not here"))
                if route.dynamic is not None:
                    route = route.dynamic(dict(self.headers))
                if route.status == HANG_UP:
                    self.close_connection = True
                    return
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(route.body)

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = handle_any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(
        self,
        path: str,
        status: int = 200,
        headers: dict[str, str] | None = None,
        body: bytes | str = b"",
        dynamic: Callable[[dict[str, str]], Route] | None = None,
    ) -> None:
        if isinstance(body, str):
            body = body.encode()
        with self.lock:
            self.routes[path] = Route(status, dict(headers or {}), body, dynamic)

    def hits(self, path: str) -> int:
        with self.lock:
            return sum(1 for request in self.seen if request.path == path)

    def requests_for(self, path: str) -> list[Seen]:
        with self.lock:
            return [request for request in self.seen if request.path == path]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub_backend():
    stub = StubBackend()
    yield stub
    stub.stop()


@pytest.fixture
def varnish_for_stub(stub_backend, tmp_path):
    """varnishd running the site's VCL in front of `stub_backend`."""
    varnish = start_varnish(tmp_path, "127.0.0.1", stub_backend.port)
    yield varnish
    stop_varnish(varnish)


@pytest.fixture
def varnish_for_app(live_server, settings, tmp_path):
    """varnishd running the site's VCL in front of Django's `live_server`; the app purges it."""
    host = live_server.thread.host
    if host == "localhost":
        host = "127.0.0.1"
    varnish = start_varnish(tmp_path, host, live_server.thread.port)
    settings.FRONTEND_CACHES = {
        "varnish": {
            "BACKEND": "core.purge.VarnishBackend",
            "LOCATION": varnish.url,
            "SECRET": PURGE_SECRET,
        }
    }
    # Requests arrive with Varnish's address as their Host.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    yield varnish
    stop_varnish(varnish)


def wait_until(condition, seconds: float, interval: float = 0.05):
    """Call `condition` until it returns something truthy (returned) or `seconds` pass (None)."""
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            return None
        time.sleep(interval)
