"""The project's own middleware, both answering before anything else reads the request: /healthz,
and input no browser sends. (The other two: the page cache, core/pages.py, and CSRF by Fetch
Metadata, core/csrf.py. A database outage is answered by the 500 handler, core/views.py.)"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError

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


class HostileInputMiddleware:
    """Input no browser sends, refused (400, 408, 413) or ignored before anything reads it.

    In order: the headers and cookies, then the body (bounded and read whole here), then the
    address and form for NUL bytes (which reads the form, so it comes after the body's bound).

    Headers and cookies:
    - A control character (NUL, line break, escape...) in a header: 400. gunicorn refuses raw
      ones already; this covers other servers and whatever a proxy decodes.
    - A cookie holding one is dropped, as if it had not been sent: a quoted cookie may spell a
      NUL as `\\000`, which the cookie parser decodes, and Postgres cannot compare a NUL, so a
      session cookie with one used to break every page for that browser. Refusing it instead
      would lock that browser out until the cookie expires.
    - An htmx header (`HX-*`) that holds a control character once decoded as django-htmx
      decodes it, or an `HX-Current-URL` that is not a URL: dropped (a page's own htmx never
      sends them, and views compare or redirect to what they hold).
    - A charset other than UTF-8 in Content-Type: 400. Django decodes query strings and forms
      with it (utf-16, utf-7...), or refuses a form in a way that raised again inside the error
      page under DEBUG.

    Bodies:
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

    NUL bytes: never legitimate in a URL or form here, and Postgres refuses to store or compare
    one: 400 up front instead of letting one reach a query.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = (
            self.refuse_headers(request)
            or self.refuse_body(request)
            or self.refuse_nul_bytes(request)
        )
        if refusal is not None and request.path.startswith("/api/"):
            # The API answers in JSON, its errors included (api/views.py).
            detail = refusal.content.decode().strip()
            return JsonResponse({"detail": detail}, status=refusal.status_code)
        return refusal or self.get_response(request)

    def refuse_headers(self, request: HttpRequest) -> HttpResponse | None:
        meta = request.META
        for name, value in meta.items():
            if (
                (name.startswith("HTTP_") and name != "HTTP_COOKIE")
                or name in ("CONTENT_TYPE", "CONTENT_LENGTH")
            ) and CONTROL_CHARACTERS.search(str(value)):
                return bad_request("That request carries a header we cannot read.")
        for name in [name for name in meta if name.startswith("HTTP_HX_")]:
            if name.endswith("_URI_AUTOENCODED") or name not in meta:
                continue
            value = meta[name]
            if meta.get(name + "_URI_AUTOENCODED") == "true":
                value = unquote(value)
            if CONTROL_CHARACTERS.search(value) or (
                name == "HTTP_HX_CURRENT_URL" and not is_url(value)
            ):
                del meta[name]
                request.__dict__.pop("headers", None)  # built from META, if read already
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
        return None

    def refuse_body(self, request: HttpRequest) -> HttpResponse | None:
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
            return None
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
        return None

    def refuse_nul_bytes(self, request: HttpRequest) -> HttpResponse | None:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return bad_request("That address contains a character we never use.")
        if request.method == "POST" and any(
            "\x00" in value for values in request.POST.lists() for value in values[1]
        ):
            return bad_request("That form contains a character we never use.")
        return None


def is_url(value: str) -> bool:
    try:
        urlsplit(value)
    except ValueError:  # "http://[" is an invalid IPv6 address
        return False
    return True


def bad_request(message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=400, content_type="text/plain; charset=utf-8")


def is_utf8(charset: str) -> bool:
    # Spelt as Django accepts it for forms: "utf8" and "utf_8" it refuses (with a BadRequest).
    return charset.lower() == "utf-8"


SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BodyTooLarge(Exception):
    pass


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
