"""The database goes away right after a vote committed: the visitor gets the friendly 503 page
(not a 500) with their new visitor cookie, and retrying the vote reports it done and changes
nothing."""

import pytest
from django.db import OperationalError
from django.test import Client

from core import sessions
from votes import views
from votes.models import Visitor, Vote

pytestmark = pytest.mark.django_db

URL = "/tools/code-llama-4/vote/"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/tools/code-llama-4/"}


@pytest.fixture
def outage_after_the_vote(monkeypatch):
    """The vote commits, then the connection drops before the answer arrives (the server
    went away): the view sees the error Postgres' client raises then.
    `outage_after_the_vote.over()` brings the database back."""
    cast_vote = views.cast_vote

    def cast_vote_then_fail(**kwargs):
        cast_vote(**kwargs)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views, "cast_vote", cast_vote_then_fail)

    class Outage:
        @staticmethod
        def over():
            monkeypatch.setattr(views, "cast_vote", cast_vote)

    return Outage


def test_a_first_vote_cut_off_by_an_outage_answers_503_and_its_retry_succeeds(
    tool, outage_after_the_vote
):
    client = Client()
    response = client.post(URL, {"value": "ship"})
    assert response.status_code == 503
    assert "back in a moment" in response.content.decode()
    cookie = response.cookies["visitor"]  # the visitor made before the vote
    assert cookie.value and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert response["Cache-Control"] == "no-store"
    assert Vote.objects.count() == 1  # it committed

    outage_after_the_vote.over()
    retry = client.post(URL, {"value": "ship"})
    assert retry.status_code == 303
    assert Vote.objects.count() == 1
    assert Visitor.objects.count() == 1
    assert Vote.objects.get().value == "ship"


def test_the_htmx_retry_reports_the_vote_counted(tool, outage_after_the_vote):
    client = Client()
    assert client.post(URL, {"value": "skip"}, **HTMX).status_code == 503
    outage_after_the_vote.over()
    retry = client.post(URL, {"value": "skip"}, **HTMX)
    assert retry.status_code == 200
    assert "Counted a skip vote for Code Llama 4" in retry.content.decode()
    assert "1 vote" in retry.content.decode()
    assert Vote.objects.count() == 1


def test_a_database_error_in_middleware_answers_the_503_page(tool, client, monkeypatch):
    client.post(URL, {"value": "ship"})
    client.cookies["sessionid"] = "a" * 32  # a session (an editor's), read by middleware

    def unreachable(self):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(sessions.SessionStore, "load", unreachable)
    browser = Client(raise_request_exception=False)
    browser.cookies = client.cookies
    response = browser.get("/tools/code-llama-4/")
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
    response = browser.get("/tools/code-llama-4/")
    assert response.status_code == 500
    assert "back in a moment" not in response.content.decode()
