"""The database goes away in the middle of a first vote: the visitor gets the friendly 503 page
(not a 500), the new Visitor and its vote are both undone, and the retry counts the vote once."""

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core import sessions
from votes import views
from votes.models import Visitor, Vote

pytestmark = pytest.mark.django_db

URL = "/tools/code-llama-4/vote/"
ADMIN = "/" + settings.ADMIN_URL  # reads the session (public pages never do)
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/tools/code-llama-4/"}


@pytest.fixture
def outage(monkeypatch):
    """`outage.after(name)`: the view's call to `name` does its work, then the connection
    drops (the error Postgres' client raises then); `outage.over()` brings it back."""
    saved = {}

    class Outage:
        @staticmethod
        def after(name):
            real = saved.setdefault(name, getattr(views, name))

            def work_then_fail(*args, **kwargs):
                real(*args, **kwargs)
                raise OperationalError("server closed the connection unexpectedly")

            monkeypatch.setattr(views, name, work_then_fail)

        @staticmethod
        def over():
            for name, real in saved.items():
                monkeypatch.setattr(views, name, real)

    return Outage


@pytest.mark.parametrize(
    ("cut_after", "htmx"),
    [
        ("cast_vote", False),
        ("cast_vote", True),
        ("read_tally", True),  # the last read of the htmx answer, after the write
    ],
)
def test_a_first_vote_cut_off_by_an_outage_leaves_nothing_and_its_retry_counts_once(
    tool, outage, cut_after, htmx
):
    headers = HTMX if htmx else {}
    outage.after(cut_after)
    client = Client(raise_request_exception=False)
    response = client.post(URL, {"value": "ship"}, **headers)
    assert response.status_code == 503
    assert "back in a moment" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert "visitor" not in response.cookies
    assert (Visitor.objects.count(), Vote.objects.count()) == (0, 0)

    outage.over()
    retry = client.post(URL, {"value": "ship"}, **headers)
    assert retry.status_code == (200 if htmx else 303)
    assert "visitor" in retry.cookies
    assert (Visitor.objects.count(), Vote.objects.count()) == (1, 1)
    again = client.post(URL, {"value": "ship"}, **headers)  # the visitor's next click
    assert again.status_code == (200 if htmx else 303)
    assert (Visitor.objects.count(), Vote.objects.count()) == (1, 1)


@pytest.mark.parametrize("cut_after", ["set_bookmark", "bookmarks_context"])
def test_a_first_bookmark_cut_off_by_an_outage_leaves_no_visitor(tool, outage, cut_after):
    outage.after(cut_after)
    client = Client(raise_request_exception=False)
    response = client.post("/tools/code-llama-4/bookmark/", {"action": "add"}, **HTMX)
    assert response.status_code == 503
    assert "visitor" not in response.cookies
    assert Visitor.objects.count() == 0
    outage.over()
    assert (
        client.post("/tools/code-llama-4/bookmark/", {"action": "add"}, **HTMX).status_code == 200
    )
    assert Visitor.objects.count() == 1


def test_a_returning_voters_vote_is_one_statement_outside_any_transaction(tool, client):
    """The tool's tally row stays locked only while Postgres runs the vote's statement."""
    client.post(URL, {"value": "ship"})
    with CaptureQueriesContext(connection) as queries:
        assert client.post(URL, {"value": "skip"}).status_code == 303
    sql = [query["sql"].upper() for query in queries]
    assert not any(s.startswith(("BEGIN", "SAVEPOINT", "COMMIT")) for s in sql), sql
    assert len(sql) == 2  # the tool with its tally; the change of the vote


def test_a_database_error_in_middleware_answers_the_503_page(tool, client, monkeypatch):
    client.post(URL, {"value": "ship"})
    client.cookies["sessionid"] = "a" * 32  # a session (an editor's), read by middleware

    def unreachable(self):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(sessions.SessionStore, "load", unreachable)
    browser = Client(raise_request_exception=False)
    browser.cookies = client.cookies
    response = browser.get(ADMIN)
    assert response.status_code == 503
    assert "back in a moment" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_other_errors_in_middleware_stay_500(tool, client, monkeypatch):
    client.post(URL, {"value": "ship"})
    client.cookies["sessionid"] = "a" * 32

    def broken(self):
        raise RuntimeError("a bug")

    monkeypatch.setattr(sessions.SessionStore, "load", broken)
    browser = Client(raise_request_exception=False)
    browser.cookies = client.cookies
    response = browser.get(ADMIN)
    assert response.status_code == 500
    assert "back in a moment" not in response.content.decode()
