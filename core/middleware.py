"""Requests answered before a view: /healthz, input no browser sends, and a friendly 503 when the
database is unreachable instead of a 500."""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.http import http_date
from django_htmx.middleware import HtmxDetails
from whitenoise.middleware import WhiteNoiseMiddleware

logger = logging.getLogger(__name__)

# C0 control characters and DEL, tab excepted: never part of a header or cookie a browser sends.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


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


# What a database that is down, frozen (our answer timeout) or restarting raises.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def database_unavailable(error: Exception) -> HttpResponse:
    """The friendly 503 page, rendered without the request: nothing on it may need the database."""
    logger.error("database unavailable: %s", error)
    html = render_to_string("503.html", {"SITE_NAME": "Shiplist"})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """The 503 page for a database error in a view. One raised in middleware gets it from the
    500 handler (core.views.server_error); one while saving the session from SessionMiddleware
    below."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        return database_unavailable(exception)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, answering the 503 page when the session cannot be saved (the database went
    away after the view ran) instead of a 500.

    The view's own write may have committed by then (a vote). A visitor's first action saves
    its new session before writing (votes.identity), so the session exists, and its cookie goes
    out on the 503 page too: the visitor's retry comes back as the same visitor, and repeating
    a vote or a bookmark changes nothing (they set a state), so the retry reports it done."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except DATABASE_UNAVAILABLE as error:
            outage = database_unavailable(error)
            session = request.session
            if session.session_key and not session.is_empty():
                set_session_cookie(outage, session)
            patch_vary_headers(outage, ("Cookie",))
            return outage


def set_session_cookie(response: HttpResponse, session) -> None:
    """The session cookie as Django's SessionMiddleware sets it."""
    if session.get_expire_at_browser_close():
        max_age, expires = None, None
    else:
        max_age = session.get_expiry_age()
        expires = http_date(time.time() + max_age)
    response.set_cookie(
        settings.SESSION_COOKIE_NAME,
        session.session_key,
        max_age=max_age,
        expires=expires,
        domain=settings.SESSION_COOKIE_DOMAIN,
        path=settings.SESSION_COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE or None,
        httponly=settings.SESSION_COOKIE_HTTPONLY or None,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )


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


class RejectHostileHeadersMiddleware:
    """Headers and cookies no browser sends, refused (400) or ignored before anything reads them.

    - A control character (NUL, line break, escape...) in a header: 400. gunicorn refuses raw
      ones already; this covers other servers and whatever a proxy decodes.
    - A cookie holding one is dropped, as if it had not been sent: a quoted cookie may spell a
      NUL as `\\000`, which the cookie parser decodes, and Postgres cannot compare a NUL, so a
      session cookie with one used to break every page for that browser. Refusing it instead
      would lock that browser out until the cookie expires.
    - A charset other than UTF-8 in Content-Type: 400. Django decodes query strings and forms
      with it (utf-16, utf-7...), or refuses a form in a way that raised again inside the error
      page under DEBUG.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, value in request.META.items():
            if (
                (name.startswith("HTTP_") and name != "HTTP_COOKIE")
                or name in ("CONTENT_TYPE", "CONTENT_LENGTH")
            ) and CONTROL_CHARACTERS.search(str(value)):
                return bad_request("That request carries a header we cannot read.")
        cookies = request.COOKIES
        if any(CONTROL_CHARACTERS.search(name + value) for name, value in cookies.items()):
            request.COOKIES = {
                name: value
                for name, value in cookies.items()
                if not CONTROL_CHARACTERS.search(name + value)
            }
        charset = getattr(request, "content_params", {}).get("charset")
        if charset is not None and not is_utf8(charset):
            return bad_request("Forms and addresses here are UTF-8; that request said otherwise.")
        return self.get_response(request)


def is_utf8(charset: str) -> bool:
    # Spelt as Django accepts it for forms: "utf8" and "utf_8" it refuses (with a BadRequest).
    return charset.lower() == "utf-8"


class SafeHtmxDetails(HtmxDetails):
    """django-htmx's `request.htmx`, reading malformed htmx headers as absent: a page's own
    htmx never sends them, and views compare or redirect to what they hold."""

    def _get_header_value(self, name: str) -> str | None:
        value = super()._get_header_value(name)
        # After HX-*-URI-AutoEncoded decoding, which can turn %00 into a NUL.
        if value is not None and CONTROL_CHARACTERS.search(value):
            return None
        return value

    @cached_property
    def current_url_abs_path(self) -> str | None:
        try:
            return super().current_url_abs_path
        except ValueError:  # urlsplit: "http://[" is an invalid IPv6 address
            return None

    @cached_property
    def triggering_event(self):
        try:
            return super().triggering_event
        except (ValueError, RecursionError):  # JSON nested deeper than the parser goes
            return None


class HtmxMiddleware:
    """Sets `request.htmx` (django-htmx), with SafeHtmxDetails."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.htmx = SafeHtmxDetails(request)
        return self.get_response(request)


SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BodyTooLarge(Exception):
    pass


class BoundedBodyMiddleware:
    """Request bodies are small here, and read whole here, before anything else parses them.

    - At most MAX_REQUEST_BODY bytes, MAX_ADMIN_REQUEST_BODY under ADMIN_URL (and
      MAX_ADMIN_IMPORT_BODY for the admin's catalogue import, which takes a file): a longer
      Content-Length is refused with 413 before a byte is read; a body of unknown length
      (chunked) is read up to the limit and refused with 413 past it.
    - No page takes a file: a form with a file part is refused with 413 outside the admin.
    - Where the server lends its socket (gunicorn), at most REQUEST_BODY_TIMEOUT seconds may
      pass between two reads: a client that promises more than it sends holds a thread for
      that long (then 408), not until it gives up. gunicorn has no such timeout of its own.
    - Forms are parsed here, so one that cannot be (too many fields, a broken multipart) is a
      plain 400 before any other code, or Django's DEBUG page, reads it again.

    GET and HEAD bodies are never read by Django (nothing here reads them); only their length
    is checked. Multipart bodies without files stay accepted: Django's test client and some
    tools send every form that way.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request: HttpRequest) -> HttpResponse:
        admin = request.path_info.startswith(self.admin_prefix)
        limit = settings.MAX_ADMIN_REQUEST_BODY if admin else settings.MAX_REQUEST_BODY
        if admin and request.path_info.endswith("/import/"):
            limit = settings.MAX_ADMIN_IMPORT_BODY  # an editor's catalogue file
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared and not declared.isdigit():
            return bad_request("That request's Content-Length is not a length.")
        length = int(declared) if declared else None
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if length is None and not chunked:
            length = 0
        if length is not None and length > limit:
            return too_large(f"That request is too large: at most {limit // 1024} KB here.")
        if request.method in SAFE_METHODS or length == 0:
            return self.get_response(request)
        try:
            with read_timeout(request, settings.REQUEST_BODY_TIMEOUT):
                if length is None:
                    body = read_at_most(request.environ["wsgi.input"], limit)
                    request.META["CONTENT_LENGTH"] = str(len(body))
                    request._stream = io.BytesIO(body)  # where Django reads the body from
                    length = len(body)
                if len(request.body) < length:
                    return bad_request("That request ended before its body did.")
        except BodyTooLarge:
            return too_large(f"That request is too large: at most {limit // 1024} KB here.")
        except Exception as error:  # the client stalled or went away, or sent broken chunks
            if timed_out(error):
                return plain(408, "That request's body stopped arriving.")
            logger.info("unreadable request body: %r", error)
            return bad_request("That request's body could not be read.")
        if request.content_type in FORM_TYPES:
            try:
                files = request.FILES  # parses request.POST too
            except (MultiPartParserError, SuspiciousOperation, BadRequest) as error:
                logger.warning("unreadable form: %s", error)
                return bad_request("That form could not be read.")
            if files and not admin:
                return too_large("No page here takes a file.")
        return self.get_response(request)


def timed_out(error: BaseException | None) -> bool:
    """Whether `error` is, or was raised from, a socket timeout (Django wraps it, twice)."""
    while error is not None:
        if isinstance(error, TimeoutError):
            return True
        error = error.__cause__
    return False


def read_at_most(stream, limit: int) -> bytes:
    """The whole of `stream`, reading no more than limit + 1 bytes; BodyTooLarge past limit."""
    chunks, size = [], 0
    while size <= limit:
        chunk = stream.read(min(64 * 1024, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise BodyTooLarge
    return b"".join(chunks)


@contextmanager
def read_timeout(request: HttpRequest, seconds: float) -> Iterator[None]:
    """At most `seconds` between two reads from the client, where the server lends its socket."""
    sock = request.environ.get("gunicorn.socket")
    if sock is None or not seconds:
        yield
        return
    previous = sock.gettimeout()
    sock.settimeout(seconds)
    try:
        yield
    finally:
        sock.settimeout(previous)


def plain(status: int, message: str) -> HttpResponse:
    message += " Nothing has changed.\n"
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def too_large(message: str) -> HttpResponse:
    return plain(413, message)


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """whitenoise, minus the manifest of hashed names (staticfiles.json): no page needs it, and
    it lists every file the site is built from. Its address gets the site's 404."""

    def __init__(self, get_response=None, settings=settings) -> None:
        super().__init__(get_response, settings)
        manifest = getattr(staticfiles_storage, "manifest_name", "staticfiles.json")
        self.private = {self.static_prefix + manifest}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in self.private:
            return self.get_response(request)
        return super().__call__(request)
