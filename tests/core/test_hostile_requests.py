"""A corpus of hostile requests against every public URL and endpoint: never a 500, never a
partial write, visitor input always escaped in what comes back."""

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
