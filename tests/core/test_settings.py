"""Production settings: refuse to start without a secret or a public address, pass
`check --deploy` with no warnings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A production environment that passes every deploy check.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-" + "x9Q#k2" * 10,
    "ALLOWED_HOSTS": "compare.example.com",
    "SITE_URL": "https://compare.example.com",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "comparesite.settings", **env}
    # The browser tests set this for Playwright; a production process never has it.
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_site_url():
    # Canonical links, the sitemap and email links would otherwise point at 127.0.0.1:8000.
    secret = "a-long-random-production-secret-" + "x9Q#k2" * 10
    for unset in ("", "  "):
        result = manage("check", DEBUG="false", SECRET_KEY=secret, SITE_URL=unset)
        assert result.returncode != 0
        assert "SITE_URL must be set when DEBUG is off" in result.stderr


def test_development_defaults_site_url_to_this_machine():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SITE_URL)",
        DEBUG="true",
        SITE_URL="",
    )
    assert result.stdout.splitlines()[-1] == "http://127.0.0.1:8000", result.stderr


def test_a_boolean_setting_that_is_not_a_boolean_is_an_error():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-" + "x9Q#k2" * 10,
        ALLOWED_HOSTS="compare.example.com",
        SITE_URL="https://compare.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_site_url_is_not_the_public_https_address():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-" + "x9Q#k2" * 10,
        ALLOWED_HOSTS="compare.example.com",
        SITE_URL="http://127.0.0.1:8000",
    )
    assert result.returncode != 0
    assert "core.W001" in result.stdout + result.stderr


def test_check_deploy_warns_when_rate_limits_share_the_evicting_cache():
    production = {**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/0"}
    shared = manage("check", "--deploy", "--fail-level", "WARNING", **production)
    assert shared.returncode != 0
    assert "core.W002" in shared.stdout + shared.stderr
    apart = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        RATELIMIT_REDIS_URL="redis://127.0.0.1:6380/0",
        **production,
    )
    assert apart.returncode == 0, apart.stdout + apart.stderr


def test_production_requires_every_staff_members_second_factor_unless_told_not_to():
    production = PRODUCTION
    shown = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.STAFF_2FA_REQUIRED)",
        **production,
    )
    assert shown.stdout.splitlines()[-1] == "True", shown.stderr
    off = manage(
        "check", "--deploy", "--fail-level", "WARNING", STAFF_2FA_REQUIRED="false", **production
    )
    assert off.returncode != 0
    assert "core.W006" in off.stdout + off.stderr
