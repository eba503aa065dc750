"""Serve a page N times inside one process, without gunicorn or a network: a steady load for a
profiler or an instruction counter, immune to the noise of a shared machine.

Uses the bench's settings and database: run `make bench` once first, with the same
DATABASE_URL (or none, for the embedded Postgres). For example:

    .venv/bin/python bench/inprocess.py /compare/code-llama-4-vs-mistral-3b/ 2000 --time
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        .venv/bin/python bench/inprocess.py static 600

`static` stands for the hashed stylesheet. Instructions per request are the difference between
a run of 600 and a run of 100, divided by 500 (both runs after one warm-up run).
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # after this folder, so `bench` is bench/bench.py

from bench import bench_environment  # noqa: E402

os.environ.update(bench_environment())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comparesite.settings")

from comparesite.wsgi import application  # noqa: E402


def static_path() -> str:
    manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


def environ(path: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": os.environ["PORT"],
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def serve(path: str) -> str:
    statuses: list[str] = []

    def start_response(status: str, headers: list, exc_info=None) -> None:
        statuses.append(status)

    body = application(environ(path), start_response)
    for _ in body:
        pass
    body.close()
    return statuses[0]


def main() -> None:
    path, count = sys.argv[1], int(sys.argv[2])
    path = static_path() if path == "static" else path
    status = serve(path)  # builds the page if the cache does not have it
    if not status.startswith("200"):
        raise SystemExit(f"{path} answered {status}")
    started = time.process_time()
    for _ in range(count):
        serve(path)
    if "--time" in sys.argv:
        print(f"{path}: {(time.process_time() - started) / count * 1e6:.0f} µs of CPU a request")


if __name__ == "__main__":
    main()
