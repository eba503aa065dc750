from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        # Where a no-JS form should send the visitor back to; htmx requests report the page.
        "here": here(request),
    }


def here(request: HttpRequest) -> str:
    """The address of the page the visitor is on (`next` of the no-JS forms)."""
    htmx = getattr(request, "htmx", None)
    try:
        current = htmx.current_url_abs_path if htmx else None
    except ValueError:  # a malformed HX-Current-URL header: ignore it
        current = None
    return current or request.get_full_path()
