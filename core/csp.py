"""django-csp's middleware, with the header built once instead of on every response.

django-csp rebuilds the policy string from settings for every response, about a tenth of what a
cached page costs to serve (cProfile). Nothing on this site varies the policy per view or uses a
nonce, so the string is always the same: build it once (again if the setting changes) and let
django-csp's own code handle anything out of the ordinary.
"""

from __future__ import annotations

from functools import cache

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

# Set on a response by django-csp's view decorators to change or drop its policy.
PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


@cache
def site_policy() -> str | None:
    """The site-wide header, or None when the settings ask for more than one plain policy."""
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    if policy.get("EXCLUDE_URL_PREFIXES") or getattr(
        settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None
    ):
        return None
    return build_policy()


@receiver(setting_changed)
def _forget_policy(*, setting: str, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        site_policy.cache_clear()


class CachedPolicyCSPMiddleware(CSPMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        policy = site_policy()
        ordinary = (
            policy
            and getattr(request, "_csp_nonce", None) is None
            and HEADER not in response
            and not any(hasattr(response, name) for name in PER_RESPONSE)
            and not (settings.DEBUG and response.status_code in (404, 500))
        )
        if not ordinary:
            return super().process_response(request, response)
        response[HEADER] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
