"""A friendly 503 when the database is unreachable, instead of a 500."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class HealthCheckMiddleware:
    """Answer /healthz before host validation and HTTPS redirects: load balancers and the
    Docker healthcheck call it by IP address over plain HTTP."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            from core.views import healthz

            return healthz(request)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable: %s", exception)
        # Rendered without the request: nothing on this page may need the database.
        html = render_to_string("503.html", {"SITE_NAME": "Shiplist"})
        response = HttpResponse(html, status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response


class RejectNulBytesMiddleware:
    """A NUL byte is never legitimate in a URL or form here, and Postgres refuses to store or
    compare one: answer 400 up front instead of letting it reach a query."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return bad_request("That address contains a character we never use.")
        if request.method == "POST" and any(
            "\x00" in value for values in request.POST.lists() for value in values[1]
        ):
            return bad_request("That form contains a character we never use.")
        return self.get_response(request)


def bad_request(message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=400, content_type="text/plain; charset=utf-8")
