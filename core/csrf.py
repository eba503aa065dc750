"""Cross-site request forgery protection without a token in the page.

Public pages are the same bytes for everyone, so they cannot carry a per-visitor token. Every
browser of the last years says where a request comes from instead, in a header no page can
forge: `Sec-Fetch-Site` (Fetch Metadata), and `Origin` on every cross-origin and every POST
request. This follows OWASP's CSRF cheat sheet and what Go 1.25 (`CrossOriginProtection`),
Rails 8.1 and Symfony 7.4 adopted:

1. `Sec-Fetch-Site: same-origin` or `none` (typed or bookmarked): accepted.
2. `Sec-Fetch-Site: same-site` or `cross-site`: accepted only from an origin listed in
   CSRF_TRUSTED_ORIGINS; refused otherwise (even when `Origin` claims to be this site).
3. No Fetch Metadata but an `Origin` header (browsers from before 2020-2023): accepted when it
   is this site or a trusted origin; refused otherwise.
4. Neither header (very old browsers, privacy proxies that strip them): Django's token check,
   unchanged. Such a form from a cached page has no token, so the failure view answers with a
   confirmation page carrying a fresh token that repeats the action on one click
   (core/views.py: csrf_failure).

The admin (ADMIN_URL) keeps Django's token check as it was: its pages are never cached, and
an editor's session deserves both.

This module is also the one place that relies on private Django names (`_accept`, `_reject`,
`_origin_verified`, `allowed_origins_exact`, `allowed_origin_subdomains` of
CsrfViewMiddleware); a system check refuses to start if they move.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.http import is_same_domain

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
REASON_CROSS_SITE = "Cross-site request refused (Sec-Fetch-Site: %s, Origin: %s)."
REASON_BAD_ORIGIN = "Origin checking failed: %s does not match any trusted origins."
PRIVATE_NAMES = (
    "_accept",
    "_reject",
    "_origin_verified",
    "allowed_origins_exact",
    "allowed_origin_subdomains",
)
# request.META key the failure view reads to tell a forged request from a header-less browser
FETCH_METADATA_SEEN = "csrf.fetch_metadata_seen"


class FetchMetadataCsrfMiddleware(CsrfViewMiddleware):
    def process_view(self, request, callback, callback_args, callback_kwargs):
        if (
            request.method in SAFE_METHODS
            or getattr(callback, "csrf_exempt", False)
            or request.path_info.startswith("/" + settings.ADMIN_URL)
        ):
            return super().process_view(request, callback, callback_args, callback_kwargs)
        site = request.META.get("HTTP_SEC_FETCH_SITE")
        origin = request.META.get("HTTP_ORIGIN")
        request.META[FETCH_METADATA_SEEN] = bool(site or origin)
        if site in ("same-origin", "none"):
            return self._accept(request)
        if site is not None:
            if origin is not None and self._trusted(origin):
                return self._accept(request)  # same-site or cross-site from a trusted origin
            return self._reject(request, REASON_CROSS_SITE % (site, origin or "none"))
        if origin is not None:
            if self._origin_verified(request):
                return self._accept(request)
            return self._reject(request, REASON_BAD_ORIGIN % origin)
        return super().process_view(request, callback, callback_args, callback_kwargs)

    def _trusted(self, origin: str) -> bool:
        """Listed in CSRF_TRUSTED_ORIGINS (exactly, or under a `*.` wildcard)."""
        if origin in self.allowed_origins_exact:
            return True
        scheme, _, host = origin.partition("://")
        return any(
            is_same_domain(host, pattern)
            for pattern in self.allowed_origin_subdomains.get(scheme, ())
        )


@checks.register(checks.Tags.security)
def private_csrf_names_exist(app_configs, **kwargs) -> list[checks.CheckMessage]:
    missing = [name for name in PRIVATE_NAMES if not hasattr(CsrfViewMiddleware, name)]
    if not missing:
        return []
    return [
        checks.Error(
            f"django.middleware.csrf.CsrfViewMiddleware no longer has {', '.join(missing)}.",
            hint="core/csrf.py relies on them: port it to this Django version.",
            id="core.E001",
        )
    ]


@checks.register(checks.Tags.security)
def fetch_metadata_middleware_installed(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if "core.csrf.FetchMetadataCsrfMiddleware" in settings.MIDDLEWARE:
        return []
    return [
        checks.Error(
            "core.csrf.FetchMetadataCsrfMiddleware is not in MIDDLEWARE: forms are unprotected.",
            hint="Put it where django.middleware.csrf.CsrfViewMiddleware would go.",
            id="core.E002",
        )
    ]
