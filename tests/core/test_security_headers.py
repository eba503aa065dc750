"""Security headers on every kind of response, and production cookie and HTTPS settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.templatetags.static import static

from tests.core.production_server import url_of_the_test_database

ROOT = Path(__file__).resolve().parents[2]
EXPECTED_CSP = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
]


def assert_hardened(headers) -> None:
    csp = headers["Content-Security-Policy"]
    for directive in EXPECTED_CSP:
        assert directive in csp, directive
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path,extra,status",
    [
        ("/compare/code-llama-4-vs-mistral-3b/", {}, 200),
        ("/bookmarks/", {"HTTP_HX_REQUEST": "true"}, 200),
        ("/compare/mistral-3b-vs-code-llama-4/", {}, 301),
        ("/tools/no-such-tool/", {}, 404),
    ],
)
def test_every_kind_of_response_is_hardened(client, reference_pair, path, extra, status):
    response = client.get(path, **extra)
    assert response.status_code == status
    assert_hardened(response)


def test_static_files_are_hardened(client):
    response = client.get(static("css/site.css"))
    assert response.status_code == 200
    assert_hardened(response)


@pytest.mark.django_db(transaction=True)
def test_production_sends_hsts_secure_cookies_and_redirects_to_https(
    reference_pair, collected_static_root
):
    env = {
        **os.environ,
        "STATIC_ROOT": str(collected_static_root),
        "DEBUG": "false",
        "SECRET_KEY": "header-test-" + "s" * 40,
        "SITE_URL": "https://testserver",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": url_of_the_test_database(),
    }
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE"):
        env.pop(name, None)
    env.pop("CSRF_COOKIE_SECURE", None)
    env.pop("REDIS_URL", None)
    code = (ROOT / "tests" / "core" / "production_probe.py").read_text()
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(result.stdout.split("PROBE", 1)[1])
    for name in ("page", "fragment", "redirect", "not_found"):
        headers = report[name]["headers"]
        assert_hardened(headers)
        assert "max-age=63072000" in headers["Strict-Transport-Security"]
        assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert [report[name]["status"] for name in ("page", "fragment", "redirect", "not_found")] == [
        200,
        200,
        301,
        404,
    ]
    visitor, csrf = report["cookies"]["visitor"], report["cookies"]["csrftoken"]
    assert visitor == {"secure": "True", "httponly": "True", "samesite": "Lax"}
    assert csrf["secure"] == "True" and csrf["samesite"] == "Lax"
    assert report["plain_http"] == {
        "status": 301,
        "location": "https://testserver/tools/code-llama-4/",
    }
