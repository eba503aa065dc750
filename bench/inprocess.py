"""Serve a page N times inside one process, without gunicorn or a network: a steady load for a
profiler or an instruction counter, immune to the noise of a shared machine.

Uses the bench's settings and database: run `make bench` once first, with the same
DATABASE_URL (or none, for the embedded Postgres). For example:

    .venv/bin/python bench/inprocess.py /compare/code-llama-4-vs-mistral-3b/ 2000 --time
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        .venv/bin/python bench/inprocess.py static 600

`static` stands for the hashed stylesheet, `fortunes` for the bench's TechEmpower page
(/bench/fortunes/). `--session` serves the page to a visitor who voted: one vote first (as
the bench's voters do), then every request carries its `visitor` cookie. `--profile` prints
the top of a cProfile of the loop (CPU time; SORT=tottime to sort by it). Instructions per
request are the difference between a run of 600 and a run of 100, divided by 500 (both runs
after one warm-up run).
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # instead of this folder: `bench` is then the package of this file

from bench.bench import FORTUNES, POST_HEADERS, VOTE_TOOL, bench_environment  # noqa: E402

os.environ.update(bench_environment())
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"  # as gunicorn runs in the bench

from comparesite.wsgi import application  # noqa: E402


def static_path() -> str:
    manifest = json.loads((ROOT / "staticfiles-manifest" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


def environ(path: str, cookie: str = "", body: bytes | None = None) -> dict:
    extra = {"HTTP_COOKIE": cookie} if cookie else {}
    if body is not None:
        for name, value in POST_HEADERS.items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        extra["CONTENT_TYPE"] = extra.pop("HTTP_CONTENT_TYPE")
        extra["CONTENT_LENGTH"] = str(len(body))
    return {
        **extra,
        "REQUEST_METHOD": "GET" if body is None else "POST",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": os.environ["PORT"],
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(body or b""),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def serve(path: str, cookie: str = "", body: bytes | None = None) -> tuple[str, list]:
    answers: list[tuple[str, list]] = []

    def start_response(status: str, headers: list, exc_info=None) -> None:
        answers.append((status, headers))

    response = application(environ(path, cookie, body), start_response)
    for _ in response:
        pass
    response.close()
    return answers[0]


def session_cookie() -> str:
    """The `visitor` cookie of a new visitor who voted once."""
    status, headers = serve(f"/tools/{VOTE_TOOL}/vote/", body=b"value=ship")
    for name, value in headers:
        if name.lower() == "set-cookie" and value.strip().startswith("visitor="):
            return value.strip().split(";", 1)[0]
    raise SystemExit(f"the vote answered {status} without a visitor cookie")


def main() -> None:
    path, count = sys.argv[1], int(sys.argv[2])
    path = {"static": static_path(), "fortunes": FORTUNES}.get(path, path)
    cookie = session_cookie() if "--session" in sys.argv else ""
    status, _ = serve(path, cookie)  # builds the page if the cache does not have it
    if not status.startswith("200"):
        raise SystemExit(f"{path} answered {status}")
    profiler = None
    if "--profile" in sys.argv:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
    started = time.process_time()
    for _ in range(count):
        serve(path, cookie)
    elapsed = time.process_time() - started
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(40)
    if "--time" in sys.argv:
        print(f"{path}: {elapsed / count * 1e6:.0f} µs of CPU a request")


if __name__ == "__main__":
    main()
