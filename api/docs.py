"""The API's documentation page (`/api/`): what it offers, how to page through it, the terms."""

from django.conf import settings
from django.http import HttpRequest
from django.views.decorators.http import require_safe

from core.pages import Page, public_page


@require_safe
@public_page()
def documentation(request: HttpRequest) -> Page:
    limit = per_time(settings.RATE_LIMITS["api"]["ip"])
    return Page("api/documentation.html", {"api_limit": limit}, [])


def per_time(rate: str) -> str:
    """ "120/m" as "120 requests a minute"."""
    count, _, period = rate.partition("/")
    unit = {"s": "second", "m": "minute", "h": "hour", "d": "day"}.get(period[-1:], period)
    return f"{count} requests a {unit}"
