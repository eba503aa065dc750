"""The three inputs that answered 500 (issue 17): each is now refused (400) or ignored, and
changes nothing. The classes they stand for are in test_hostile_requests.py's corpus."""

import pytest
from django.test import Client

from votes.models import Bookmark, Visitor, Vote

pytestmark = pytest.mark.django_db

PAGES = ["/", "/compare/code-llama-4-vs-mistral-3b/", "/tools/code-llama-4/", "/bookmarks/"]
VOTE = "/tools/code-llama-4/vote/"
BOOKMARK = "/tools/code-llama-4/bookmark/"
# What the attacker sent: a quoted cookie whose octal escape the cookie parser turns into a NUL.
NUL_SESSION_COOKIE = 'sessionid="abcdefgh\\000ijkl"'


@pytest.fixture
def hostile(reference_pair):
    return Client(raise_request_exception=False)


def nothing_written() -> bool:
    return not (Vote.objects.exists() or Bookmark.objects.exists() or Visitor.objects.exists())


@pytest.mark.parametrize("path", PAGES)
def test_a_nul_in_the_session_cookie_is_ignored_on_pages(hostile, path):
    response = hostile.get(path, HTTP_COOKIE=NUL_SESSION_COOKIE)
    assert response.status_code == 200
    assert response.content == Client().get(path).content  # as any reader without a session
    assert nothing_written()


def test_a_nul_in_the_session_cookie_is_ignored_by_a_vote_which_heals_the_browser(hostile):
    response = hostile.post(VOTE, {"value": "ship"}, HTTP_COOKIE=NUL_SESSION_COOKIE)
    assert response.status_code == 303
    assert Vote.objects.count() == 1
    # The broken session is no identity: the vote makes a visitor, named by a signed cookie.
    assert Visitor.objects.count() == 1
    assert response.cookies["visitor"].value.startswith(f"{Visitor.objects.get().pk}:")
    assert "\x00" not in response.cookies["visitor"].value


@pytest.mark.parametrize("path", PAGES)
def test_a_malformed_hx_current_url_is_ignored_on_pages(hostile, path):
    response = hostile.get(path, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://[")
    assert response.status_code == 200


def test_a_malformed_hx_current_url_is_ignored_by_a_bookmark(hostile):
    response = hostile.post(
        BOOKMARK, {"action": "add"}, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://["
    )
    assert response.status_code == 200
    assert Bookmark.objects.count() == 1


def test_a_malformed_hx_current_url_is_ignored_by_a_vote(hostile):
    response = hostile.post(
        VOTE, {"value": "skip"}, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://["
    )
    assert response.status_code == 200
    assert list(Vote.objects.values_list("value", flat=True)) == ["skip"]


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("charset", ["utf-16", "utf-7"])
@pytest.mark.parametrize("path", [VOTE, BOOKMARK, "/newsletter/subscribe/", "/admin/login/"])
def test_a_form_declaring_another_charset_is_refused(hostile, settings, debug, charset, path):
    # Under DEBUG, Django's error page used to read the form again, raising once more: a 500.
    settings.DEBUG = debug
    response = hostile.generic(
        "POST",
        path,
        "value=ship&action=add&email=a%40example.com".encode(charset),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 400
    assert b"UTF-8" in response.content
    assert nothing_written()
