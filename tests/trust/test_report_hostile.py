"""No input to "Report an error" answers 500 or stores half a report; what a reader typed comes
back escaped (the corpus of tests/core/test_hostile_requests.py, on this form)."""

import pytest
from django.test import Client

from trust.models import Correction

pytestmark = pytest.mark.django_db

FORM = "/tools/code-llama-4/report-an-error/"
SCRIPT = "<script>alert(1)</script>"
VALID = {"fact": "pricing", "what_is_wrong": "The entry price is $25/mo now."}


@pytest.fixture
def hostile(reference_pair):
    return Client(raise_request_exception=False)


def assert_safe(response) -> None:
    assert response.status_code < 500, (response.status_code, response.content[:300])
    assert SCRIPT.encode() not in response.content


@pytest.mark.parametrize(
    "body,content_type",
    [
        ({"fact": SCRIPT, "what_is_wrong": SCRIPT, "source_url": SCRIPT, "email": SCRIPT}, None),
        ({**VALID, "fact": "pricing\x00"}, None),
        ({**VALID, "what_is_wrong": "wrong\x00price"}, None),
        ({"fact": ["pricing", "maker"], "what_is_wrong": ["a", "b" * 3000]}, None),
        ({**VALID, "what_is_wrong": "x" * 300_000}, None),
        ({f"field{i}": "1" for i in range(2000)}, None),
        ('{"fact": "pricing", "what_is_wrong": "json"}', "application/json"),
        (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
        ("--boundary\r\nbroken", "multipart/form-data; boundary=boundary"),
        ({**VALID, "source_url": "https://[::1"}, None),
        ({**VALID, "source_url": "http://" + "a" * 70 + ".com"}, None),
        ({**VALID, "email": "a@" + "b" * 300}, None),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_hostile_bodies_never_500_and_store_nothing(hostile, body, content_type, htmx):
    kwargs = {"content_type": content_type} if content_type else {}
    if htmx:
        kwargs["HTTP_HX_REQUEST"] = "true"
    response = hostile.post(FORM, body, **kwargs)
    assert_safe(response)
    assert 400 <= response.status_code < 500
    assert not Correction.objects.exists()


def test_a_script_in_the_report_is_stored_as_text_and_shown_escaped(hostile):
    response = hostile.post(
        FORM, {"fact": "other", "what_is_wrong": SCRIPT}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert Correction.objects.get().what_is_wrong == SCRIPT
    refused = hostile.post(FORM, {"fact": "nope", "what_is_wrong": SCRIPT})
    assert_safe(refused)
    assert "&lt;script&gt;" in refused.content.decode()


@pytest.mark.parametrize("query", [{"fact": SCRIPT}, {"fact": "\x00"}, {"fact": ["a", "b"]}])
def test_hostile_query_strings_on_the_form(hostile, query):
    response = hostile.get(FORM, query)
    assert response.status_code in (200, 400)  # a NUL is refused before any view
    assert_safe(response)


@pytest.mark.parametrize("charset", ["utf-16", "utf-7"])
def test_a_form_declaring_another_charset_is_refused(hostile, charset):
    response = hostile.generic(
        "POST",
        FORM,
        "fact=pricing&what_is_wrong=wrong".encode(charset),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 400
    assert not Correction.objects.exists()


def test_a_report_from_another_site_is_refused(reference_pair):
    response = Client(enforce_csrf_checks=True).post(
        FORM, VALID, HTTP_SEC_FETCH_SITE="cross-site", HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 403
    assert not Correction.objects.exists()
