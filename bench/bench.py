"""`make bench`: the production configuration under load, every figure side by side in one run.

Starts gunicorn (gunicorn.conf.py, DEBUG off) against a separate `<db>_bench` database on the
server the project uses, seeds it (seed_bench, plus TechEmpower's `fortune` table), starts
Varnish (deploy/varnish/default.vcl and varnishd.params) in front of that gunicorn, warms the
pages, then runs wrk against each target in round-robin rounds and writes docs/benchmarks.md.
Numbers never go into tests.

gunicorn runs with DJANGO_SETTINGS_MODULE=bench.settings: the site's settings with one more
page, /bench/fortunes/ (bench/fortunes.py), TechEmpower's fortunes test served through the same
middleware, the yardstick for a page rendered on every request.
"""

from __future__ import annotations

import datetime
import http.cookiejar
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8811"))
VARNISH_PORT = int(os.environ.get("BENCH_VARNISH_PORT", "8812"))
BASE = f"http://127.0.0.1:{PORT}"
VARNISH_BASE = f"http://127.0.0.1:{VARNISH_PORT}"
DURATION = os.environ.get("BENCH_DURATION", "5s")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
# The catalogue size: 500 (docs/benchmarks.md), or e.g. 5000 (`make bench-5000`), which gets its
# own database and its own report (docs/benchmarks-5000-tools.md).
TOOLS = int(os.environ.get("BENCH_TOOLS", "500"))
SUFFIX = "_bench" if TOOLS == 500 else f"_bench{TOOLS}"
REPORT = "benchmarks.md" if TOOLS == 500 else f"benchmarks-{TOOLS}-tools.md"
MODELS_NOTE = " plus every first-party model of the models.dev snapshot" if TOOLS >= 5000 else ""
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
VOTERS = int(os.environ.get("BENCH_VOTERS", "64"))
# While working on one figure: BENCH_ONLY="static file,session" measures only the targets whose
# label contains one of these words (the static file of their kind is always kept), prints the
# rounds and writes no report.
ONLY = [word.strip() for word in os.environ.get("BENCH_ONLY", "").split(",") if word.strip()]
SETTLE_SECONDS = 2
COMPARE = "/compare/code-llama-4-vs-mistral-3b/"
FORTUNES = "/bench/fortunes/"
VOTE_TOOL = "mistral-3b"
PYTHON = sys.executable
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
VARNISHD_PARAMS = ROOT / "deploy" / "varnish" / "varnishd.params"
# What a browser sends with a form or htmx POST from one of the site's pages (core/csrf.py).
POST_HEADERS = {
    "Content-Type": "application/x-www-form-urlencoded",
    "HX-Request": "true",
    "Sec-Fetch-Site": "same-origin",
    "Origin": BASE,
    "Referer": BASE + COMPARE,
}


def bench_environment() -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-" + "x" * 40),
        "SITE_URL": BASE,
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
        "VOTES_PER_ADDRESS_PER_TOOL_PER_DAY": "1000000",
        "LOG_LEVEL": "WARNING",
    }
    if not env.get("REDIS_URL") and redis_answers():
        env["REDIS_URL"] = "redis://127.0.0.1:6379/14"  # production runs with Redis
    if os.environ.get("DATABASE_URL"):
        url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = url._replace(path=url.path.rstrip("/") + SUFFIX).geturl()
    else:
        env["EMBEDDED_DATABASE_NAME"] = "comparesite" + SUFFIX
    return env


PURGE_SECRET = "bench-only-purge-secret-" + "b" * 24  # the bench's Varnish and app share it


def server_environment(env: dict[str, str]) -> dict[str, str]:
    """What gunicorn runs with: the bench settings (the fortunes page) and, as in
    compose.yaml, the Varnish in front as the shared cache to purge."""
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "FRONTEND_CACHE_URL": VARNISH_BASE + "/",
        "PURGE_SECRET": PURGE_SECRET,
    }


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


def create_fortunes(env: dict[str, str]) -> None:
    manage(env, "shell", "-c", "from bench.fortunes import create_fortunes; create_fortunes()")


# --- Varnish -----------------------------------------------------------------------------------


def varnishd_binary() -> str:
    found = shutil.which("varnishd") or next(
        (p for p in ("/usr/sbin/varnishd", "/usr/local/sbin/varnishd") if os.access(p, os.X_OK)),
        None,
    )
    if not found:
        raise SystemExit("varnishd is missing: apt-get install varnish (make bench does it)")
    return found


def render_vcl(host: str, port: int) -> str:
    """default.vcl with its backend at host:port (as tests/sharedcache/conftest.py does it)."""
    text = VCL.read_text()
    for pattern, replacement in [
        (r'(?m)^(\s*\.host = )"[^"]*";', rf'\g<1>"{host}";'),
        (r'(?m)^(\s*\.port = )"[^"]*";', rf'\g<1>"{port}";'),
    ]:
        text, count = re.subn(pattern, replacement, text, count=1)
        if count != 1:
            raise SystemExit(f"default.vcl no longer has a line matching {pattern}")
    return text


def varnishd_params() -> list[str]:
    """The options of deploy/varnish/varnishd.params (-p http_gzip_support=off among them)."""
    words: list[str] = []
    for line in VARNISHD_PARAMS.read_text().splitlines():
        words += shlex.split(line, comments=True)
    return words


def start_varnish(workdir: Path) -> subprocess.Popen:
    vcl = workdir / "default.vcl"
    vcl.write_text(render_vcl("127.0.0.1", PORT))
    command = [
        varnishd_binary(),
        "-F",
        "-n",
        str(workdir / "varnish"),
        "-j",
        "none",  # as whoever runs the bench; root would hand the compiler to another user
        "-a",
        f"127.0.0.1:{VARNISH_PORT}",
        "-T",
        "127.0.0.1:0",
        "-f",
        str(vcl),
        "-s",
        "malloc,256m",
        *varnishd_params(),
    ]
    log = (workdir / "varnishd.log").open("wb")
    process = subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "PURGE_SECRET": PURGE_SECRET},
    )
    log.close()
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            output = (workdir / "varnishd.log").read_text(errors="replace")
            raise SystemExit(f"varnishd exited with {process.returncode}:\n{output}")
        try:
            urllib.request.urlopen(VARNISH_BASE + "/healthz", timeout=1).read()
            print("varnishd:", shlex.join(command))
            return process
        except OSError:
            if time.monotonic() > deadline:
                stop(process)
                raise SystemExit("varnishd did not answer within 30 s") from None
            time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --- Visitors and wrk --------------------------------------------------------------------------


class Voter:
    """A visitor who voted once (ship on VOTE_TOOL) and so has a visitor cookie.

    No token is needed any more: the browser's `Sec-Fetch-Site: same-origin` is what lets a
    POST through (core/csrf.py).
    """

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        request = urllib.request.Request(
            BASE + f"/tools/{VOTE_TOOL}/vote/", data=b"value=ship", headers=POST_HEADERS
        )
        opener.open(request).read()
        if not any(cookie.name == "visitor" for cookie in self.jar):
            raise SystemExit("a vote did not set the visitor cookie")

    @property
    def cookie(self) -> str:
        """The cookies the browser still sends a minute after the vote: `visitor`, not the
        ten-second `fresh` that makes the pages right after a vote check every mark
        (core/pages.py insist_on_fresh_pages). Until 2026-12-02 the bench sent `fresh` with
        every request, for minutes: that measured a voter's first ten seconds, not their
        visit."""
        later = time.time() + 60
        return "; ".join(
            f"{c.name}={c.value}" for c in self.jar if c.expires is None or c.expires > later
        )


# Many visitors voting on one tool, the launch-day case: every vote is a switch (each visitor
# alternates ship and skip), so every request writes its row and the tool's tally row, and all
# of them queue on that one tally row.
VOTE_SCRIPT = """
wrk.method = "POST"
{headers}
local voters = {{ {voters} }}
local n = 0
request = function()
  n = n + 1
  local voter = voters[(n % #voters) + 1]
  local value = (math.floor(n / #voters) % 2 == 0) and "skip" or "ship"
  wrk.headers["Cookie"] = voter
  return wrk.format(nil, nil, nil, "value=" .. value)
end
"""


def vote_script(voters: list[Voter]) -> str:
    headers = "\n".join(
        f'wrk.headers["{name}"] = "{value}"' for name, value in POST_HEADERS.items()
    )
    listed = ", ".join(f'"{voter.cookie}"' for voter in voters)
    return VOTE_SCRIPT.format(headers=headers, voters=listed)


def wrk(url: str, *extra: str, script: str | None = None) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", *extra]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)$", output, re.M)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
        # wrk's "connect 0, read 0, write 0, timeout 1"
        "socket_errors": sum(map(int, re.findall(r"\d+", socket_errors.group(1))))
        if socket_errors
        else 0,
    }


@dataclass
class Target:
    label: str
    base: str
    path: str
    extra: tuple[str, ...] = ()
    script: str | None = None

    @property
    def url(self) -> str:
        return self.base + self.path

    @property
    def varnish(self) -> bool:
        return self.base == VARNISH_BASE


STATIC = "static file (CSS, whitenoise)"
FORTUNES_LABEL = "fortunes (TechEmpower rules)"
COMPARE_ANONYMOUS = "compare page, anonymous"
COMPARE_SESSION = "compare page, visitor who voted"
VARNISH_STATIC = "Varnish: static file"
VARNISH_COMPARE = "Varnish: compare page, anonymous"
API_TOOLS = "/api/v1/tools?limit=50"
API_LIST = "API: 50 tools (JSON)"
VARNISH_API_LIST = "Varnish: API, 50 tools (JSON)"
VOTE_LABEL = f"vote POST (htmx), {VOTERS} visitors on one tool"


# --- Checks before and after -------------------------------------------------------------------


def get(url: str, headers: dict[str, str] | None = None):
    response = urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}))
    return response, response.read()


def check_pages(static_path: str) -> list[str]:
    """What is measured is what it should be; returns a few lines for the report."""
    response, body = get(BASE + FORTUNES)
    page = body.decode()
    html = response.headers["Content-Type"].startswith("text/html")
    if response.headers.get_all("Set-Cookie") or not html:
        raise SystemExit(f"{FORTUNES} answered {dict(response.headers)}")
    rows = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td></tr>", page)
    if (
        len(rows) != 13
        or rows[0][0] != "11"  # "<script>..." sorts first
        or "&lt;script&gt;alert(&quot;This should not" not in page
        or "フレームワークのベンチマーク" not in page
        or "Additional fortune added at request time." not in page
    ):
        raise SystemExit(f"{FORTUNES} does not answer as TechEmpower's test requires:\n{page}")
    response, _ = get(BASE + COMPARE)
    if response.headers.get_all("Set-Cookie"):
        raise SystemExit(f"{COMPARE} sets a cookie for an anonymous reader")
    notes = []
    for path in (static_path, COMPARE):
        get(VARNISH_BASE + path)
        response, _ = get(VARNISH_BASE + path)
        state = response.headers.get("X-Cache")
        if state != "HIT":
            raise SystemExit(f"Varnish answered {path} a second time with X-Cache: {state}")
        control = response.headers["Cache-Control"]
        notes.append(f"`{path}`: X-Cache: {state}, Cache-Control: {control}")
    return notes


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
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer on " + BASE)


# --- The run -----------------------------------------------------------------------------------


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench installs it as root)")
    varnishd_binary()
    env = bench_environment()
    ensure_database(env)
    print("migrating and seeding the bench database (first run takes a minute)...")
    # Seeding 100,000 votes runs statements longer than the site's statement timeout.
    seeding = {**env, "DATABASE_STATEMENT_TIMEOUT": "0"}
    manage(seeding, "migrate", "--noinput", "-v0")
    print(manage(seeding, "seed_bench", f"--tools={TOOLS}").strip())
    if TOOLS >= 5000:
        # At catalogue scale, every first-party model of the models.dev snapshot on top.
        print(manage(seeding, "import_models_dev", "--publish").strip().splitlines()[-1])
    create_fortunes(env)
    manage(env, "collectstatic", "--noinput", "-v0")
    static_path = "/static/" + next(
        name
        for name in (ROOT / "staticfiles-manifest" / "staticfiles.json").read_text().split('"')
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
        env=server_environment(env),
        start_new_session=True,
    )
    workdir = Path(tempfile.mkdtemp(prefix="bench-varnish-"))
    varnish = None
    script = workdir / "vote.lua"
    try:
        wait_for_server()
        varnish = start_varnish(workdir)
        voters = [Voter() for _ in range(VOTERS)]
        session = ("-H", f"Cookie: {voters[0].cookie}")
        script.write_text(vote_script(voters))
        targets = [
            Target(STATIC, BASE, static_path),
            Target("/healthz", BASE, "/healthz"),
            Target(FORTUNES_LABEL, BASE, FORTUNES),
            Target(COMPARE_ANONYMOUS, BASE, COMPARE),
            Target(COMPARE_SESSION, BASE, COMPARE, session),
            Target("tool page, anonymous", BASE, "/tools/cursor/"),
            Target("directory, anonymous", BASE, "/tools/"),
            Target("category page, anonymous", BASE, "/categories/developer-tools/"),
            Target("home page, anonymous", BASE, "/"),
            Target(VARNISH_STATIC, VARNISH_BASE, static_path),
            Target(VARNISH_COMPARE, VARNISH_BASE, COMPARE),
            Target(API_LIST, BASE, API_TOOLS),
            Target(VARNISH_API_LIST, VARNISH_BASE, API_TOOLS),
            Target(VOTE_LABEL, BASE, f"/tools/{VOTE_TOOL}/vote/", script=str(script)),
        ]
        if ONLY:
            targets = [
                target
                for target in targets
                if target.label in (STATIC, VARNISH_STATIC)
                or any(word in target.label for word in ONLY)
            ]
        for target in targets:  # warm every page and the connections
            if not target.script:
                subprocess.run(
                    ["wrk", "-t1", "-c4", "-d1s", *target.extra, target.url],
                    capture_output=True,
                    check=True,
                )
        notes = check_pages(static_path)
        # Round-robin rounds, median per target: a burst of noise on this shared machine then
        # spoils one round of every target instead of all rounds of one.
        rounds: dict[str, list[dict]] = {target.label: [] for target in targets}
        started = os.getloadavg(), cpu_stalled(), time.monotonic()
        for number in range(ROUNDS):
            print(f"round {number + 1} of {ROUNDS}...")
            for target in targets:
                figures = wrk(target.url, *target.extra, script=target.script)
                rounds[target.label].append(figures)
                print(
                    f"  {target.label}: {figures['rps']:.0f}/s, p50 {figures['p50']:.2f} ms, "
                    f"p99 {figures['p99']:.2f} ms, non-2xx {figures['errors']}, "
                    f"socket errors {figures['socket_errors']}"
                )
                if target.script:
                    # Requests wrk abandons at the end still queue on the tally row; without a
                    # pause, the next target (the static file) measured 25% slower for a second.
                    time.sleep(SETTLE_SECONDS)
        load = load_average(started)
        results = {label: median_figures(runs) for label, runs in rounds.items()}
        for target in targets:  # the spread of the ratio to static from round to round
            static = rounds[VARNISH_STATIC if target.varnish else STATIC]
            runs = zip(rounds[target.label], static, strict=True)
            results[target.label]["ratios"] = [run["rps"] / base["rps"] for run, base in runs]
    finally:
        if varnish is not None:
            stop(varnish)
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
    if ONLY:
        for target in targets:
            static = results[VARNISH_STATIC if target.varnish else STATIC]["rps"]
            print(f"{target.label}: {results[target.label]['rps'] / static:.2f}x static")
        return
    report(targets, results, env, votes_counted(env), notes, load)


def median_figures(runs: list[dict]) -> dict:
    """Each figure the median of its rounds (requests/s, p50 and p99 each on their own): a
    burst of load from something else on the machine then spoils none of them. Failures are
    summed over the rounds."""
    figures = {name: statistics.median(run[name] for run in runs) for name in ("rps", "p50", "p99")}
    # Failures are never a median: every one of every round is counted.
    figures["errors"] = sum(run["errors"] for run in runs)
    figures["socket_errors"] = sum(run["socket_errors"] for run in runs)
    return figures


def cpu_stalled() -> float | None:
    """Seconds during which some runnable task waited for a core (Linux PSI), since boot."""
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except OSError:
        return None
    return int(line.rsplit("total=", 1)[1]) / 1e6


def load_average(started: tuple) -> str:
    """The machine's load while measuring: other work skews every figure, p99 first."""
    load, stalled, began = started
    ended = os.getloadavg()
    text = (
        f"load average (1, 5, 15 min) {', '.join(f'{x:.1f}' for x in load)} when measuring "
        f"began, {', '.join(f'{x:.1f}' for x in ended)} when it ended"
    )
    now = cpu_stalled()
    if stalled is not None and now is not None:
        share = (now - stalled) / (time.monotonic() - began)
        text += f"; some task waited for a core {share:.0%} of the time (PSI)"
    return text


# --- The report --------------------------------------------------------------------------------


@dataclass
class Goal:
    """requests/s at least `times` those of `of` (a label)."""

    times: float
    of: str
    name: str


GOALS = {
    COMPARE_ANONYMOUS: [Goal(1.0, STATIC, "static"), Goal(2.0, FORTUNES_LABEL, "fortunes")],
    COMPARE_SESSION: [Goal(0.5, STATIC, "static")],
    VARNISH_COMPARE: [Goal(0.8, VARNISH_STATIC, "static through Varnish")],
    # "No slower than today": 0.11x-0.14x of static in the runs before this change.
    VOTE_LABEL: [Goal(0.11, STATIC, "static")],
}
P99_OVER_P50 = 4.0

# The table of the last run before this change (docs/benchmarks.md at e170ac3).
BEFORE = (Path(__file__).parent / "before-2026-11-26.md").read_text().strip()


def mark(met: bool) -> str:
    return "✓" if met else "✗"


def table(targets: list[Target], results: dict[str, dict]) -> tuple[str, list[str]]:
    """The Markdown table, and the goals missed."""
    missed: list[str] = []
    lines = [
        "| target | requests/s | ratio to static | goal | p50 ms | p99 ms "
        f"| p99/p50 (≤ {P99_OVER_P50:g}) | non-2xx, all rounds |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for target in targets:
        figures = results[target.label]
        static = results[VARNISH_STATIC if target.varnish else STATIC]["rps"]
        goals = []
        for goal in GOALS.get(target.label, []):
            ratio = figures["rps"] / results[goal.of]["rps"]
            met = ratio >= goal.times
            times = f"{goal.times:.1f}" if goal.times * 10 == round(goal.times * 10) else goal.times
            goals.append(f"≥ {times}x {goal.name} ({ratio:.2f}x) {mark(met)}")
            if not met:
                missed.append(f"{target.label}: {ratio:.2f}x {goal.name}, goal ≥ {times}x")
        spread = figures["p99"] / figures["p50"]
        if spread > P99_OVER_P50:
            missed.append(f"{target.label}: p99/p50 {spread:.1f}, goal ≤ {P99_OVER_P50:g}")
        ratio = f"{figures['rps'] / static:.2f}x"
        if target.label not in (STATIC, VARNISH_STATIC):
            ratio += f" ({min(figures['ratios']):.2f}-{max(figures['ratios']):.2f})"
        lines.append(
            f"| {target.label} | {figures['rps']:.0f} | {ratio} "
            f"| {'; '.join(goals)} | {figures['p50']:.2f} | {figures['p99']:.2f} "
            f"| {spread:.1f} {mark(spread <= P99_OVER_P50)} | {failures(figures)} |"
        )
    return "\n".join(lines), missed


def failures(figures: dict) -> str:
    text = str(figures["errors"])
    if figures["socket_errors"]:
        text += f" (socket errors: {figures['socket_errors']})"
    return text


def report(targets, results, env, counted: str, notes: list[str], load: str) -> None:
    text, missed = table(targets, results)
    print(text)
    print(counted)
    print("goals missed:", "; ".join(missed) or "none")
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
    varnish_version = subprocess.run(
        [varnishd_binary(), "-V"], capture_output=True, text=True
    ).stderr.split("\n")[0]
    cache = "Redis" if env.get("REDIS_URL") else "local memory (per process)"
    database = f"DATABASE_URL (+ {SUFFIX})" if "DATABASE_URL" in os.environ else "embedded Postgres"
    missed_text = (
        "Goals missed in this run:\n\n" + "\n".join(f"- {line}" for line in missed)
        if missed
        else "Every goal met in this run."
    )
    checked = "\n".join(f"- {note}" for note in notes)
    document = f"""# Benchmarks

Measured by `make bench` on {datetime.date.today().isoformat()}: gunicorn with `gunicorn.conf.py`
(DEBUG off; with Redis a worker per CPU and 4 threads each, without it one worker and 8
threads), and Varnish in front of that same gunicorn (`deploy/varnish/default.vcl` with its
backend pointed at it, the options of `deploy/varnish/varnishd.params`, `-s malloc,256m`); wrk
on the same machine with 2 threads and {CONNECTIONS} connections; {ROUNDS} round-robin rounds
of {DURATION} per target in a single run, each figure (requests/s, p50, p99) the median of its
rounds. Data: {TOOLS} tools{MODELS_NOTE}, 7 reviewers, 100,000 votes (`manage.py seed_bench`).
Cache: {cache}. Database: {database}.

- Machine: {cpu}, {os.cpu_count()} cores; {platform.platform()}
- While measuring: {load}
- Python {platform.python_version()}, Django {django.get_version()}, {wrk_version}
- {varnish_version}

{text}

Ratios are to the static file in the same run: served by whitenoise through gunicorn for the
rows measured on gunicorn, served by Varnish from its cache for the rows through Varnish. The
ratio is that of the medians; in brackets, the lowest and highest ratio of a single round (the
target against the static file of the same round). Absolute numbers move with the machine's
load, ratios less, and p99 most of all. Anonymous requests carry no
cookie; the visitor who voted sends the signed `visitor` cookie their vote brought (the
identity of a reader who voted or bookmarked; sessions are only for editors now, see
votes/identity.py). In the vote benchmark {VOTERS} such visitors each alternate ship and skip
on one tool, so every request changes a vote and that tool's tally (rate limits lifted for the
run); each POST says
`Sec-Fetch-Site: same-origin` as a browser does (core/csrf.py), and carries no token.

{missed_text}

{counted}

Checked before measuring: `/bench/fortunes/` answers 13 rows, sorted, escaped; the anonymous
compare page sets no cookie; Varnish answers from its cache:

{checked}

### The fortunes page

`/bench/fortunes/` is TechEmpower's fortunes test (test type 4) as a page of this site:
one query for the 12 rows of a `fortune` table (created in the bench database by
`bench/fortunes.py`), one more fortune added in memory, sorted by message, rendered by a Django
template with autoescaping (`bench/templates/fortunes.html`) through `render()` and the site's
context processors. gunicorn runs with `DJANGO_SETTINGS_MODULE=bench.settings`, the site's
settings with `ROOT_URLCONF = "bench.urls"` (the site's URLs, this one first) and the bench's
template folder: the same middleware, database connection and cache as every other row. It
reads the rows with a cursor rather than through a model, which is, if anything, quicker than
the ORM query TechEmpower's Django entry makes.

## Where the time goes

Profiled with py-spy on the running workers and in process (`bench/inprocess.py`, see the
README), on 2 cores shared with wrk, Redis, Postgres and Varnish. CPU a request in process
(`inprocess.py <page> 3000 --time`, no gunicorn, no network; three runs, 2026-12-02): static
file 94-161 µs, cached compare page for an anonymous reader 128-161 µs, fortunes 627-831 µs,
compare page for a visitor who voted 487-596 µs (1,670-1,980 µs earlier the same day, for a
visitor with a session who also sent the ten-second `fresh` cookie).

- **A cached anonymous page** is answered by `core.pages.PageCacheMiddleware` from the
  worker's own tier of the page cache (`CACHES["pages"]`, local memory), before CSRF, URL
  resolution or the view: the security, permissions-policy and CSP headers, a lookup of the
  address, the versions of what the page shows, and the stored bytes. Each worker re-reads
  those versions from Redis (one MGET) at most every `PAGE_CACHE_RECHECK_SECONDS`; a page
  showing community figures is stored for `TALLY_WINDOW_SECONDS`, then rebuilt by the next
  reader. No cookie is set and no token is made.
- **A visitor who voted** reads their cached votes and bookmarks (one Redis round trip, found by
  the visitor number in their signed cookie) and gets the render of the stored page that every
  visitor with the same votes and bookmarks shares (`core.pages.personal`, kept in the worker's
  memory under the page's ETag and a digest of that state). The first such visitor gets a
  normal render: the view's `Page` from the cache while the stored anonymous page is current
  (kept under its ETag), the parts of the template that are the same for everyone from shared
  fragments under the same ETag, and their own widgets (their vote, bookmarks and count) as
  ordinary template tags. Within ten seconds of their own vote (`fresh` cookie) everything is
  rendered afresh.
- **Through Varnish** an anonymous page is a hit in Varnish's memory, as the static file is;
  gunicorn sees one background refresh per `TALLY_WINDOW_SECONDS` for pages showing community
  figures (`s-maxage`), answered from its own memory.
- **A vote** by a returning voter, as every vote here is, is three SQL statements in one
  transaction (BEGIN and COMMIT around them: the view is atomic so that a new visitor and their
  first vote commit together; find the tool with its tally; one statement that changes the
  visitor's vote and says whether they had one, `votes.services.CHANGE_VOTE`; read the tally
  back) and about four Redis round trips (no session: the voter is named by their signed
  cookie; two rate limits of two commands each, django-ratelimit's SET NX and django-redis's
  increment, one Lua script; the drop of the
  visitor's cached state, now and after the commit). A
  new vote is charged to the address's daily allowance first, then inserted (INSERT ... ON
  CONFLICT). Every voter on one tool queues on that tool's tally row, which the trigger updates
  inside the vote's statement, and commits are synchronous (fsync, 0.3 ms on this machine). In
  process a vote costs about 3 ms of CPU (5 ms at the start of 2026-12-02: a session read, a
  cache read and a query to learn whether the voter had voted, four more Redis commands), so
  here it is bound by CPU rather than by the row lock. Community keys are `soft`: a vote sends
  no purge to Varnish.
- **After a vote** the pages showing that tool are rebuilt by the first reader after the
  tally window; readers arriving during that build render it too (Varnish's grace serves them
  the old copy instead, in production).
- **No JIT**: a migration turns it off for the database. With stale statistics Postgres once
  spent 220 ms compiling a directory query that runs in 10 ms.
- After the vote target the bench pauses 2 s: the votes wrk abandons at the end still queue
  on the tally row, and the next target measured 25% slow for a second.
- gunicorn caps each worker's connections (`worker_connections`, threads x 4): without it one
  process could take all 32 of wrk's connections and leave the other idle, halving throughput
  at random from run to run.
- **p99 after the vote target**: a run of the compare, home and static rows alone (no vote
  target, 3 rounds, 2026-12-02, 500 tools) had p99/p50 of 2.5-4.1 for the anonymous compare page and
  2.4-2.5 for the home page; the full run just before readers stopped queueing behind rebuilds
  for new figures (above), 5.6 and 7.6, and the tool page 4.2 (3.3 since). What misses remain
  on gunicorn come with the votes (a rebuild per page and worker, Postgres writing the tally
  and vote rows back); Varnish's, at a p50 under 1 ms, are one wait for a core.
- **p99** on this machine is mostly other work: wrk, Varnish, Redis and Postgres share the two
  cores with gunicorn, and so does anything else running (the load average is above). A page
  answered in 1 ms (Varnish) or 10 ms (gunicorn) has its p99 set by how long a process waits
  for a core, not by the page.

## Before this change (2026-11-26)

The last run before public pages became one anonymous HTML (no per-visitor CSRF cookie or
token) and before the fortunes and Varnish rows existed, on another machine (Intel Xeon,
2 cores), 3 rounds of 5 s, each figure the median round; its goals were the old ones.

{BEFORE}
"""
    (ROOT / "docs" / REPORT).write_text(document)
    print(f"wrote docs/{REPORT}")


if __name__ == "__main__":
    main()
