"""A corpus of hostile requests against every public URL and endpoint: never a 500, never a
partial write, visitor input always escaped in what comes back. Paths, query strings and bodies;
control bytes in any header or cookie; any charset; malformed htmx headers."""

import itertools

import pytest
from django.test import Client

from votes.models import Bookmark, Visitor, Vote

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/compare/",
    "/compare/code-llama-4-vs-mistral-3b/",
    "/tools/code-llama-4/",
    "/categories/developer-tools/",
    "/reviewers/",
    "/reviewers/builder/",
    "/search/",
    "/bookmarks/",
    "/healthz",
]
POSTS = ["/tools/code-llama-4/vote/", "/tools/code-llama-4/bookmark/"]
FORMS = {"value": "ship", "action": "add"}
SCRIPT = "<script>alert(1)</script>"
HOSTILE_PATHS = [
    "/compare/%00-vs-x/",
    "/compare/a%00b-vs-code-llama-4/",
    "/compare/%FF%FE-vs-code-llama-4/",
    "/compare/%C0%AF-vs-%E2%98%83/",
    "/compare/ʃ-vs-ɔ/",
    "/compare/" + "x" * 5000 + "-vs-y/",
    "/compare/" + "-vs-" * 50 + "/",
    "/compare/code-llama-4-vs-mistral-3b-vs-code-llama-4-vs-x-vs-y/",
    "/compare/..%2F..%2Fetc%2Fpasswd-vs-x/",
    "/tools/%00/",
    "/tools/%E2%98%83/",
    "/tools/" + "a" * 3000 + "/",
    "/tools/<script>/",
    "/categories/%FF/",
    "/reviewers/%00/",
    "/%FF%FE%FD",
    "/" + SCRIPT,
    "/static/../settings.py",
]
HOSTILE_QUERIES = [
    {"q": SCRIPT},
    {"q": "x" * 10_000},
    {"q": "\x00"},
    {"q": "' OR 1=1 --"},
    {"q": "&&&||!!:*()"},
    {"a": SCRIPT, "b": "mistral-3b"},
    {"a": "\x00", "b": "\x00"},
    {"a": ["x", "y", "z"], "b": ["1", "2"]},
    {"next": "https://evil.example/", "value": "ship"},
]


@pytest.fixture
def hostile(reference_pair):
    return Client(raise_request_exception=False)


def assert_safe(response, sent: str = "") -> None:
    assert response.status_code < 500, (response.status_code, response.content[:300])
    if SCRIPT in sent:
        assert SCRIPT.encode() not in response.content


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_hostile_paths_get_a_4xx(hostile, path):
    response = hostile.get(path)
    assert 400 <= response.status_code < 500
    assert_safe(response, path)


@pytest.mark.parametrize("page,params", list(itertools.product(PAGES, HOSTILE_QUERIES)))
def test_hostile_query_strings_on_every_page(hostile, page, params):
    response = hostile.get(page, params)
    assert_safe(response, str(params))


def test_raw_invalid_utf8_in_query_strings(hostile):
    for page in PAGES:
        response = hostile.generic("GET", page, QUERY_STRING="q=%FF%FE%00&a=%C0%AF")
        assert_safe(response)
        response = hostile.generic("GET", page, QUERY_STRING="q=%FF%FE&a=%C0%AF")
        assert_safe(response)


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize(
    "body,content_type",
    [
        ({"value": SCRIPT, "action": SCRIPT}, None),
        ({"value": "ship\x00", "action": "add\x00"}, None),
        ({"value": ["ship", "skip", "clear"], "action": ["add", "remove"]}, None),
        ({"value": "x" * 300_000}, None),
        ({f"field{i}": "1" for i in range(2000)}, None),
        ('{"value": "ship", "action": "add"}', "application/json"),
        (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
        ("--boundary\r\nbroken", "multipart/form-data; boundary=boundary"),
        ("value=ship&action=add", "text/plain"),
    ],
)
def test_hostile_bodies_never_500_and_never_write_half(hostile, path, body, content_type):
    kwargs = {"content_type": content_type} if content_type else {}
    response = hostile.post(path, body, **kwargs)
    assert_safe(response, str(body))
    if response.status_code >= 400:
        assert not Vote.objects.exists() and not Bookmark.objects.exists()
        assert not Visitor.objects.exists()


def test_repeated_parameters_take_one_value_and_write_once(hostile):
    response = hostile.post(POSTS[0], {"value": ["skip", "ship"]})
    assert response.status_code == 303
    assert list(Vote.objects.values_list("value", flat=True)) == ["ship"]


@pytest.mark.parametrize("path", POSTS)
def test_get_on_post_endpoints_is_405(hostile, path):
    assert hostile.get(path).status_code == 405


@pytest.mark.parametrize("path", POSTS)
def test_missing_or_wrong_csrf_token_is_403_and_changes_nothing(path, reference_pair):
    strict = Client(enforce_csrf_checks=True, raise_request_exception=False)
    assert strict.post(path, {"value": "ship", "action": "add"}).status_code == 403
    strict.get("/tools/code-llama-4/")
    forged = {"value": "ship", "action": "add", "csrfmiddlewaretoken": "x" * 64}
    assert strict.post(path, forged).status_code == 403
    assert strict.post(path, {"value": "ship"}, HTTP_X_CSRFTOKEN="forged").status_code == 403
    assert not Vote.objects.exists() and not Bookmark.objects.exists()
    assert not Visitor.objects.exists()


def test_search_escapes_what_it_echoes(hostile):
    response = hostile.get("/search/", {"q": '"><img src=x onerror=alert(1)>'})
    assert response.status_code == 200
    assert b"<img src=x onerror" not in response.content
    assert b"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in response.content


# Headers the site, Django or a library it uses reads (CSRF, caching, compression, htmx, client
# address, axes' log of admin sign-ins), each with bytes no browser sends in a header.
READ_HEADERS = [
    "HTTP_HOST",
    "HTTP_USER_AGENT",
    "HTTP_ACCEPT",
    "HTTP_ACCEPT_ENCODING",
    "HTTP_IF_NONE_MATCH",
    "HTTP_ORIGIN",
    "HTTP_REFERER",
    "HTTP_SEC_FETCH_SITE",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_HX_REQUEST",
    "HTTP_HX_CURRENT_URL",
    "HTTP_HX_TARGET",
    "HTTP_HX_TRIGGER",
    "CONTENT_TYPE",
]
CONTROL_BYTES = ["a\x00b", "a\r\nSet-Cookie: injected=1", "\x1b[2J", "a\x7f", "\x08"]
ADMIN_LOGIN = "/admin/login/"


def no_writes() -> bool:
    return not (Vote.objects.exists() or Bookmark.objects.exists() or Visitor.objects.exists())


@pytest.mark.parametrize("header", READ_HEADERS)
@pytest.mark.parametrize("value", CONTROL_BYTES)
def test_control_bytes_in_any_header_get_a_400_and_write_nothing(hostile, settings, header, value):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # X-Forwarded-For is read
    for page in PAGES:
        response = hostile.get(page, **{header: value})
        assert_safe(response)
        assert response.status_code == (200 if page == "/healthz" else 400), page
    for path in [*POSTS, ADMIN_LOGIN]:
        response = hostile.post(
            path, {**FORMS, "username": "ed", "password": "x"}, **{header: value}
        )
        assert response.status_code == 400, path
    assert no_writes()


COOKIE_NAMES = ["sessionid", "csrftoken", "messages", "theme"]
# A quoted cookie spells control bytes as octal escapes, which the cookie parser decodes; raw
# ones gunicorn refuses, other servers may pass.
COOKIE_VALUES = ['"abcdefgh\\000ijkl"', '"a\\001b"', '"a\\012b"', '"a\\177b"', "a\x00b"]


@pytest.mark.parametrize("name", COOKIE_NAMES)
@pytest.mark.parametrize("value", COOKIE_VALUES)
def test_a_cookie_holding_control_bytes_is_ignored(hostile, name, value):
    cookie = f"{name}={value}"
    for page in PAGES:
        response = hostile.get(page, HTTP_COOKIE=cookie)
        assert response.status_code == Client().get(page).status_code, page
    for path in POSTS:
        response = hostile.post(path, FORMS, HTTP_COOKIE=cookie)
        assert response.status_code == 303, path  # acted on, as for a browser without it
    assert Vote.objects.count() == 1 and Bookmark.objects.count() == 1


FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"]
CHARSETS = ["utf-16", "utf-32", "utf-7", "latin-1", "cp500", "shift_jis", "utf8", "bogus", ""]


@pytest.mark.parametrize("charset", CHARSETS)
@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_body_in_any_charset_but_utf8_is_refused(hostile, charset, content_type):
    boundary = "; boundary=BoUnDaRy" if content_type.startswith("multipart") else ""
    for path in [*POSTS, ADMIN_LOGIN]:
        response = hostile.generic(
            "POST",
            path,
            b"value=ship&action=add",
            content_type=f"{content_type}; charset={charset}{boundary}",
        )
        assert response.status_code == 400, path
    assert no_writes()


@pytest.mark.parametrize("charset", CHARSETS)
def test_a_query_string_in_any_charset_but_utf8_is_refused(hostile, charset):
    for page in PAGES:
        response = hostile.get(page, {"q": "llama"}, CONTENT_TYPE=f"text/plain; charset={charset}")
        assert response.status_code == (200 if page == "/healthz" else 400), page


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", '"utf-8"'])
def test_utf8_said_any_way_is_accepted(hostile, charset):
    response = hostile.generic(
        "POST",
        POSTS[0],
        b"value=ship",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code == 303


MALFORMED_HTMX = [
    {"HTTP_HX_CURRENT_URL": "http://["},
    {"HTTP_HX_CURRENT_URL": "http://[::1"},
    {"HTTP_HX_CURRENT_URL": "http://testserver:99999999/"},
    {"HTTP_HX_CURRENT_URL": "javascript:alert(1)"},
    {"HTTP_HX_CURRENT_URL": "http://testserver/" + SCRIPT},
    {"HTTP_HX_CURRENT_URL": "http://testserver/%00", "HTTP_HX_CURRENT_URL_URI_AUTOENCODED": "true"},
    {"HTTP_HX_CURRENT_URL": "%5B%0A", "HTTP_HX_CURRENT_URL_URI_AUTOENCODED": "true"},
    {"HTTP_HX_TARGET": "%00", "HTTP_HX_TARGET_URI_AUTOENCODED": "true"},
    {"HTTP_TRIGGERING_EVENT": "[" * 5000},
    {"HTTP_HX_BOOSTED": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"},
    {"HTTP_HX_PROMPT": SCRIPT},
]


@pytest.mark.parametrize("headers", MALFORMED_HTMX)
@pytest.mark.parametrize("hx_request", ["true", "TRUE", "\u2028"])
def test_malformed_htmx_headers_are_ignored(hostile, headers, hx_request):
    sent = str(headers)
    for page in PAGES:
        assert_safe(hostile.get(page, HTTP_HX_REQUEST=hx_request, **headers), sent)
    for path in POSTS:
        response = hostile.post(path, FORMS, HTTP_HX_REQUEST=hx_request, **headers)
        assert_safe(response, sent)
        assert response.status_code in (200, 303), path
