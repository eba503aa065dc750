import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.factories import ToolFactory, VoteFactory
from tools.models import Tool
from votes.models import Visitor, Vote

pytestmark = pytest.mark.django_db

URL = "/tools/code-llama-4/vote/"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/tools/code-llama-4/"}


def figure(tool) -> str:
    return str(Tool.objects.with_community_tally().get(pk=tool.pk).community)


def test_it_redirects_without_js_to_the_page_it_came_from(client, tool):
    response = client.post(URL, {"value": "ship", "next": "/compare/a-vs-code-llama-4/"})
    assert response.status_code == 303
    assert response["Location"] == "/compare/a-vs-code-llama-4/"
    assert figure(tool) == "100% ship · 1 vote"


def test_it_never_redirects_to_another_site(client, tool):
    response = client.post(URL, {"value": "ship", "next": "https://evil.example/"})
    assert response.status_code == 303
    assert response["Location"] == "/tools/code-llama-4/"


def test_the_page_shows_the_new_state_after_the_redirect(client, tool):
    client.post(URL, {"value": "skip"})
    content = client.get("/tools/code-llama-4/").content.decode()
    assert "0% ship · 1 vote" in content
    skip_button = re.search(r"<button[^>]*button--skip[^>]*>", content).group(0)
    assert 'aria-pressed="true"' in skip_button
    assert 'value="clear"' in skip_button


def test_it_returns_fragment_to_htmx_for_every_place_the_figure_shows(client, tool):
    response = client.post(URL, {"value": "ship"}, **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert 'hx-swap-oob="outerHTML:.community-code-llama-4"' in content
    assert "100% ship · 1 vote" in content
    assert 'id="announcer"' in content and "Counted a ship vote for Code Llama 4" in content


def test_switching_and_withdrawing_set_state_and_never_toggle(client, tool):
    client.post(URL, {"value": "ship"})
    client.post(URL, {"value": "ship"})  # a double click
    assert figure(tool) == "100% ship · 1 vote"
    client.post(URL, {"value": "skip"})
    assert figure(tool) == "0% ship · 1 vote"
    client.post(URL, {"value": "clear"})
    client.post(URL, {"value": "clear"})  # a retry
    assert figure(tool) == "No community votes yet"
    assert Visitor.objects.count() == 1


def test_a_returning_voter_changes_their_vote_in_one_statement(client, tool):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.post(URL, {"value": "ship"})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, {"value": "skip"}, **HTMX)
    assert "Counted a skip vote for Code Llama 4" in response.content.decode()
    on_votes = [query["sql"] for query in queries if "votes_vote" in query["sql"]]
    assert len(on_votes) == 1 and "UPDATE votes_vote" in on_votes[0]
    assert figure(tool) == "0% ship · 1 vote"


def test_a_reader_who_never_acts_creates_no_session_and_no_visitor(client, tool):
    client.get("/tools/code-llama-4/")
    client.get("/compare/")
    client.get("/bookmarks/")
    assert Session.objects.count() == 0
    assert Visitor.objects.count() == 0
    assert "sessionid" not in client.cookies


def test_the_first_vote_creates_the_visitor_and_its_signed_cookie_but_no_session(client, tool):
    response = client.post(URL, {"value": "ship"})
    assert Visitor.objects.count() == 1
    cookie = response.cookies["visitor"]
    assert cookie.value.startswith(f"{Visitor.objects.get().pk}:")  # the number, then a signature
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE
    assert "sessionid" not in client.cookies
    assert Session.objects.count() == 0
    other = ToolFactory(slug="other")
    client.post(f"/tools/{other.slug}/vote/", {"value": "skip"})
    assert Visitor.objects.count() == 1
    assert Vote.objects.filter(visitor=Visitor.objects.get()).count() == 2


def test_a_signed_in_editor_is_known_by_the_visitor_cookie_like_anyone(client, tool):
    user = User.objects.create_user("ada")
    client.force_login(user)
    first = client.post(URL, {"value": "ship"})
    assert "visitor" in first.cookies  # the cookie names them, not the session
    client.post(URL, {"value": "skip"})
    client.logout()  # the test client forgets every cookie; a browser keeps this one
    client.cookies["visitor"] = first.cookies["visitor"].value
    client.post(URL, {"value": "ship"})
    assert Visitor.objects.count() == 1
    assert Vote.objects.get().value == "ship"


def test_a_session_holding_a_visitor_number_names_nobody(client, tool):
    """Sessions from before the cookie no longer identify anyone (migration votes 0007 dropped
    them): a visitor number in a session cannot be used to act as that visitor."""
    before = Visitor.objects.create()
    session = client.session
    session["visitor_id"] = before.pk
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    response = client.post(URL, {"value": "ship"})
    assert Vote.objects.get().visitor != before
    assert "visitor" in response.cookies


def test_a_visitor_cookie_older_than_a_session_lasts_is_a_new_visitor(client, tool):
    with time_machine.travel(timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)):
        client.post(URL, {"value": "ship"})
    first = Visitor.objects.get()
    response = client.post(URL, {"value": "skip"})
    assert Visitor.objects.count() == 2
    assert response.cookies["visitor"].value.startswith(f"{first.pk + 1}:")
    assert sorted(Vote.objects.values_list("value", flat=True)) == ["ship", "skip"]


def test_distinct_visitors_each_count(tool):
    from django.test import Client

    # Four people on four addresses (one address has an allowance: test_vote_allowance.py).
    for number in range(3):
        Client(REMOTE_ADDR=f"192.0.2.{number}").post(URL, {"value": "ship"})
    Client(REMOTE_ADDR="192.0.2.9").post(URL, {"value": "skip"})
    assert figure(tool) == "75% ship · 4 votes"


@pytest.mark.parametrize("value", ["", "SHIP", "yes", "toggle", "x" * 1000])
def test_it_rejects_invalid_values_and_changes_nothing(client, tool, value):
    VoteFactory(tool=tool, value="ship")
    response = client.post(URL, {"value": value})
    assert response.status_code == 400
    assert "ship, skip or clear" in response.content.decode()
    assert figure(tool) == "100% ship · 1 vote"
    assert Visitor.objects.count() == 1  # only the factory's


def test_it_returns_the_error_as_a_fragment_to_htmx(client, tool):
    response = client.post(URL, {"value": "maybe"}, **HTMX)
    assert response.status_code == 400
    assert "<html" not in response.content.decode()
    assert "ship, skip or clear" in response.content.decode()


def test_it_rejects_get(client, tool):
    assert client.get(URL).status_code == 405
    assert Vote.objects.count() == 0


def test_it_404s_for_unknown_and_unpublished_tools(client, tool):
    assert client.post("/tools/nope/vote/", {"value": "ship"}).status_code == 404
    hidden = ToolFactory(slug="hidden", status="draft")
    assert client.post(f"/tools/{hidden.slug}/vote/", {"value": "ship"}).status_code == 404
    assert Vote.objects.count() == 0


def test_the_moderators_deletions_show_at_once(client, tool):
    for _ in range(5):
        VoteFactory(tool=tool, value="skip")
    VoteFactory(tool=tool, value="ship")
    Vote.objects.filter(value="skip").delete()
    assert "100% ship · 1 vote" in client.get("/tools/code-llama-4/").content.decode()


@pytest.mark.django_db(transaction=True)  # the foreign key is checked at a real commit
def test_a_cookie_naming_a_deleted_visitor_starts_a_new_one(client, tool):
    client.post(URL, {"value": "ship"})
    Visitor.objects.all().delete()
    assert client.post(URL, {"value": "skip"}).status_code == 303
    assert figure(tool) == "0% ship · 1 vote"
    assert Visitor.objects.count() == 1


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/tools/code-llama-4/vote/", {"value": "clear"}),
        ("/tools/code-llama-4/bookmark/", {"action": "remove"}),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_undoing_what_a_browser_never_did_creates_nobody(client, tool, path, data, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for _ in range(3):
        response = client.post(path, data, **headers)
        assert response.status_code == (200 if htmx else 303)
        assert "visitor" not in response.cookies
    assert not Visitor.objects.exists()


@pytest.mark.parametrize("secure", [True, False])
def test_every_cookie_a_vote_sets_is_secure_when_sessions_are(client, tool, settings, secure):
    settings.SESSION_COOKIE_SECURE = secure
    response = client.post(URL, {"value": "ship"})
    assert set(response.cookies) == {"visitor", "vote_note", "fresh"}
    for name, cookie in response.cookies.items():
        assert bool(cookie["secure"]) is secure, name
        assert cookie["httponly"], name
