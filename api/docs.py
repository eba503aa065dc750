"""The API's documentation page (`/api/`): what it offers, how to page through it, the terms."""

from django.http import HttpRequest
from django.views.decorators.http import require_safe

from core.pages import Page, public_page


@require_safe
@public_page()
def documentation(request: HttpRequest) -> Page:
    return Page("api/documentation.html", {}, [])
