"""Rate limits for state-changing endpoints, counted in the shared cache (Redis in production).

django-ratelimit does the counting. If the cache cannot be reached we refuse the write (fail
closed) rather than allow unlimited ones, and say so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage, is_ratelimited

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str


def check_rate(request: HttpRequest, scope: str, visitor_id: int | None) -> Refusal | None:
    """Count this request against the per-IP and per-visitor limits of `scope`."""
    rates = settings.RATE_LIMITS[scope]
    try:
        limited = is_ratelimited(
            request, group=f"{scope}:ip", key="ip", rate=rates["ip"], increment=True
        )
        if not limited and visitor_id is not None:
            limited = is_ratelimited(
                request,
                group=f"{scope}:visitor",
                key=lambda group, request: str(visitor_id),
                rate=rates["visitor"],
                increment=True,
            )
    except Exception:
        logger.exception("rate limit store unavailable; refusing %s", scope)
        return Refusal(503, "We can't record that right now. Please try again in a minute.")
    if limited:
        return Refusal(
            429, "That's a lot of clicks in a short time. Please wait a minute and try again."
        )
    return None


def check_allowance(request: HttpRequest, *, group: str, rate: str, message: str) -> Refusal | None:
    """Count this request against one address's allowance in `group` (e.g. new votes on one
    tool, "3/d"), before anything is written; `message` says why when it is used up."""
    try:
        limited = is_ratelimited(request, group=group, key="ip", rate=rate, increment=True)
    except Exception:
        logger.exception("rate limit store unavailable; refusing %s", group)
        return Refusal(503, "We can't record that right now. Please try again in a minute.")
    return Refusal(429, message) if limited else None


def read_limit(request: HttpRequest, scope: str) -> int | None:
    """Count a read (a search, the API) against its address's limit in RATE_LIMITS[scope]:
    the seconds to wait when it is over, else None. Reads stay open when the counters cannot
    be reached: refusing every search would be worse than counting none for a while."""
    try:
        usage = get_usage(
            request,
            group=f"{scope}:ip",
            key="ip",
            rate=settings.RATE_LIMITS[scope]["ip"],
            increment=True,
        )
    except Exception:
        logger.warning("rate limit store unavailable; %s unlimited", scope)
        return None
    request.read_usage = usage
    return max(1, usage["time_left"]) if usage["should_limit"] else None
