import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.csrf import FETCH_METADATA_SEEN

logger = logging.getLogger(__name__)

# What a database that is down, frozen (our answer timeout) or restarting raises.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers within HEALTHZ_TIMEOUT, 503 when it does not (down, or
    frozen): for load balancers, Varnish's probe and Docker."""
    try:
        with connection.answering_within(settings.HEALTHZ_TIMEOUT), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler, and the one route to the 503 page: a database error raised anywhere
    (a view, the session saved after it, the page cache) gets the friendly 503 page; anything
    else Django's plain 500. Django calls this while handling the exception, so sys.exc_info()
    holds it."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        return database_unavailable(error)
    return defaults.server_error(request)


def database_unavailable(error: Exception) -> HttpResponse:
    """The friendly 503 page, rendered without the request: nothing on it may need the database."""
    logger.error("database unavailable: %s", error)
    html = render_to_string("503.html", {"SITE_NAME": "Shiplist"})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


MAX_CONFIRM_FIELDS = 20


@never_cache
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (core/csrf.py). A browser that said nothing about where the form came
    from gets a page that repeats the action on one click, with a fresh token; a request that
    said it came from another site gets a plain refusal. Either way nothing has changed."""
    from_elsewhere = request.META.get(FETCH_METADATA_SEEN, False)
    if request.method == "POST" and not from_elsewhere:
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            if name != "csrfmiddlewaretoken"
            for value in values
        ][:MAX_CONFIRM_FIELDS]
        context = {"action": request.path, "fields": fields}
        return render(request, "403_csrf_confirm.html", context, status=403)
    message = "That form came from another site, so we did not act on it. Nothing has changed."
    if request.headers.get("HX-Request"):
        return render(request, "includes/announce.html", {"message": message}, status=403)
    return render(request, "403_csrf.html", {"message": message}, status=403)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name none (the admin's)."""
    return HttpResponsePermanentRedirect(static("icons/favicon.svg"))


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /bookmarks/",
        "Disallow: /search/",
        "Disallow: /newsletter/",
        "Disallow: /preview/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def not_found(
    request: HttpRequest,
    *,
    reason: str,
    suggestions: list | tuple = (),
    query: str = "",
    corrected: list | None = None,
) -> HttpResponse:
    """A helpful 404: why, what the visitor may have meant (`corrected`: the tools of the
    comparison they probably meant), and a search box."""
    context = {"reason": reason, "suggestions": suggestions, "query": query, "corrected": corrected}
    return render(request, "404.html", context, status=404)
