"""Deployment checks of our own, run by `manage.py check --deploy`."""

import ipaddress
import os

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def site_url_is_public_https(app_configs, **kwargs) -> list[checks.CheckMessage]:
    url = settings.SITE_URL
    if url.startswith("https://") and "127.0.0.1" not in url and "localhost" not in url:
        return []
    return [
        checks.Warning(
            f"SITE_URL is {url!r}: canonical links, the sitemap and email links would point there.",
            hint="Set SITE_URL to the site's public https address.",
            id="core.W001",
        )
    ]


@checks.register(checks.Tags.caches, deploy=True)
def rate_limits_survive_eviction(app_configs, **kwargs) -> list[checks.CheckMessage]:
    cache = settings.CACHES[settings.RATELIMIT_USE_CACHE]
    if not cache["BACKEND"].endswith("RedisCache") or settings.RATELIMIT_USE_CACHE != "default":
        return []
    return [
        checks.Warning(
            "Rate-limit counters share the page cache's Redis, whose LRU policy may evict them "
            "(an evicted counter starts again from zero).",
            hint="Set RATELIMIT_REDIS_URL to a Redis running with maxmemory-policy noeviction.",
            id="core.W002",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def client_addresses_cannot_be_forged(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A trusted-proxy list so wide that strangers are in it lets them name any address."""
    found = []
    for entry in settings.TRUSTED_PROXIES:
        network = ipaddress.ip_network(entry, strict=False)
        if network.num_addresses > 65536:
            found.append(
                checks.Warning(
                    f"TRUSTED_PROXIES holds {entry}: any of its {network.num_addresses:,} "
                    "addresses can set the visitor's address that rate limits and the admin "
                    "lockout count.",
                    hint="List the proxies' own addresses (or their small subnet) only.",
                    id="core.W003",
                )
            )
    for gone in ("TRUSTED_PROXY_COUNT", "FORWARDED_ALLOW_IPS"):
        if gone in os.environ:
            found.append(
                checks.Warning(
                    f"{gone} is no longer read.",
                    hint="Set TRUSTED_PROXIES to the proxies' addresses (app and gunicorn).",
                    id="core.W004",
                )
            )
    return found


@checks.register(checks.Tags.security, deploy=True)
def purges_carry_a_secret(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A Varnish backend without a long secret: the cache refuses its purges (or, with a guessable
    one, so could anyone's)."""
    return [
        checks.Warning(
            f"FRONTEND_CACHES[{name!r}] has no PURGE secret of 32 characters or more.",
            hint="Set PURGE_SECRET (the same value in the app's and Varnish's environment).",
            id="core.W005",
        )
        for name, params in settings.FRONTEND_CACHES.items()
        if params.get("BACKEND", "").endswith("VarnishBackend")
        and len(params.get("SECRET", "")) < 32
    ]


@checks.register(checks.Tags.security, deploy=True)
def staff_need_a_second_factor(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if settings.STAFF_2FA_REQUIRED:
        return []
    return [
        checks.Warning(
            "STAFF_2FA_REQUIRED is off: editors, moderators and newsletter staff reach the "
            "admin (imports, exports, drafts, votes) with a password alone.",
            hint="Remove STAFF_2FA_REQUIRED=false from the environment.",
            id="core.W006",
        )
    ]
