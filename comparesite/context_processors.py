from django.conf import settings
from django.http import HttpRequest

from votes.identity import bookmarked_tool_ids


def site(request: HttpRequest) -> dict:
    return {
        "SITE_NAME": "Shiplist",
        "SITE_URL": settings.SITE_URL,
        # Where a no-JS form should send the visitor back to; htmx requests report the page.
        "here": _here(request),
        # Called by the template only where shown; queries only for a visitor who has acted.
        "bookmark_count": lambda: len(bookmarked_tool_ids(request)),
    }


def _here(request: HttpRequest) -> str:
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.current_url_abs_path:
        return htmx.current_url_abs_path
    return request.get_full_path()
