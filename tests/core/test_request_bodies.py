"""Request bodies are bounded: too large is refused (413) before it is read, files are refused
outside the admin, a stalled body answers 408. Reads are counted, not timed: the body is a
stream that makes its bytes up as they are read and counts them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from votes.models import Bookmark, Visitor, Vote

pytestmark = pytest.mark.django_db

VOTE = "/tools/code-llama-4/vote/"
ADMIN_LOGIN = "/admin/login/"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data; boundary=BoUnDaRy"
GIB = 1024**3
MIB = 1024**2


class CountingBody(io.RawIOBase):
    """A request body of `size` bytes, made up as it is read; `bytes_read` counts them."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        remaining = self.size - self.bytes_read
        n = remaining if n is None or n < 0 else min(n, remaining)
        n = min(n, MIB)  # a stream may return less than asked; this one never holds much
        self.bytes_read += n
        return b"x" * n

    def readline(self, n: int = -1) -> bytes:
        return self.read(n)


class StalledBody(io.RawIOBase):
    """A client that promised a body and stopped sending it."""

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        raise TimeoutError("timed out")


class LentSocket:
    """What gunicorn lends as environ['gunicorn.socket'], as far as timeouts go."""

    def __init__(self) -> None:
        self.timeout = None
        self.history: list[float | None] = []

    def gettimeout(self) -> float | None:
        return self.timeout

    def settimeout(self, seconds: float | None) -> None:
        self.timeout = seconds
        self.history.append(seconds)


@pytest.fixture
def hostile(reference_pair):
    return Client(raise_request_exception=False)


def nothing_written() -> bool:
    return not (Vote.objects.exists() or Bookmark.objects.exists() or Visitor.objects.exists())


def send(client: Client, path: str, body, *, length, content_type=FORM, method="POST", **extra):
    # With no data of its own the test client sets no Content-Type: say it here.
    environ = {"wsgi.input": body, "CONTENT_LENGTH": str(length), "CONTENT_TYPE": content_type}
    return client.generic(method, path, **environ, **extra)


@pytest.mark.parametrize("path", ["/", VOTE, ADMIN_LOGIN, "/search/"])
@pytest.mark.parametrize("method", ["POST", "PUT", "GET"])
def test_a_1_gib_declared_body_is_refused_without_reading_it(hostile, path, method):
    body = CountingBody(GIB)
    response = send(hostile, path, body, length=GIB, method=method)
    assert response.status_code == 413
    assert body.bytes_read == 0
    assert b"too large" in response.content
    assert nothing_written()


def test_a_64_mib_file_part_is_refused_without_reading_it(hostile):
    body = CountingBody(64 * MIB + 300)
    response = send(hostile, VOTE, body, length=64 * MIB + 300, content_type=MULTIPART)
    assert response.status_code == 413
    assert body.bytes_read == 0
    assert nothing_written()


def test_a_chunked_body_is_read_no_further_than_the_limit(hostile, settings):
    body = CountingBody(GIB)
    response = send(hostile, VOTE, body, length="", HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 413
    assert body.bytes_read == settings.MAX_REQUEST_BODY + 1
    assert nothing_written()


def test_a_chunked_form_within_the_limit_is_accepted(hostile):
    body = io.BytesIO(b"value=ship")
    response = send(hostile, VOTE, body, length="", HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 303
    assert list(Vote.objects.values_list("value", flat=True)) == ["ship"]


def test_no_page_takes_a_file_however_small(hostile):
    upload = SimpleUploadedFile("note.txt", b"hello", content_type="text/plain")
    response = hostile.post(VOTE, {"value": "ship", "attachment": upload})
    assert response.status_code == 413
    assert b"No page here takes a file" in response.content
    assert nothing_written()


def test_forms_without_files_may_still_come_as_multipart(hostile):
    assert hostile.post(VOTE, {"value": "ship"}).status_code == 303  # the test client's way


def test_the_admin_takes_larger_forms_than_the_pages(hostile, settings):
    form = {"username": "ed", "password": "x", "note": "x" * (32 * 1024)}
    assert settings.MAX_REQUEST_BODY < 32 * 1024 < settings.MAX_ADMIN_REQUEST_BODY
    assert hostile.post(ADMIN_LOGIN, form).status_code == 200  # the form again, with an error
    assert hostile.post(VOTE, {**form, "value": "ship"}).status_code == 413
    assert nothing_written()


def test_the_limits_are_settings(hostile, settings):
    settings.MAX_REQUEST_BODY = 100
    assert hostile.post(VOTE, "value=ship&pad=" + "x" * 100, content_type=FORM).status_code == 413
    assert hostile.post(VOTE, "value=ship", content_type=FORM).status_code == 303


def test_a_body_shorter_than_promised_is_refused(hostile):
    response = send(hostile, VOTE, io.BytesIO(b"value=ship"), length=100)
    assert response.status_code == 400
    assert nothing_written()


@pytest.mark.parametrize("length", ["-1", "ten", "1e9", " 5"])
def test_a_content_length_that_is_not_a_length_is_refused(hostile, length):
    response = send(hostile, VOTE, io.BytesIO(b"value=ship"), length=length)
    assert response.status_code == 400
    assert nothing_written()


def test_a_stalled_body_answers_408_and_gives_the_socket_back_as_it_was(hostile, settings):
    sock = LentSocket()
    response = send(hostile, VOTE, StalledBody(), length=100, **{"gunicorn.socket": sock})
    assert response.status_code == 408
    assert sock.history == [settings.REQUEST_BODY_TIMEOUT, None]
    assert nothing_written()


def test_a_form_with_too_many_fields_is_a_plain_400_even_under_debug(hostile, settings):
    settings.DEBUG = True  # Django's DEBUG page used to parse the form again, and raise again
    body = "&".join(f"f{index}=1" for index in range(300))
    response = hostile.post(VOTE, body, content_type=FORM)
    assert response.status_code == 400
    assert nothing_written()
