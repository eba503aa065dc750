"""One address gets VOTES_PER_ADDRESS_PER_TOOL_PER_DAY new votes on a tool a day, however many
fresh visitors it makes up; each vote keeps day-keyed hashes of its address and browser."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from tools.models import Tool
from votes.models import Visitor, Vote
from votes.tally import read_tally

pytestmark = pytest.mark.django_db

URL = "/tools/code-llama-4/vote/"
ATTACKER = "203.0.113.7"


@pytest.fixture(autouse=True)
def allowance(settings):
    settings.VOTES_PER_ADDRESS_PER_TOOL_PER_DAY = 3
    return settings


def fresh_visitor(address: str = ATTACKER, **headers) -> Client:
    """A client with no cookies: a new visitor, as a script making one up per vote is."""
    return Client(REMOTE_ADDR=address, **headers)


def test_a_fresh_visitor_per_vote_from_one_address_counts_the_allowance_only(tool):
    statuses = [fresh_visitor().post(URL, {"value": "ship"}).status_code for _ in range(40)]
    assert statuses[:3] == [303, 303, 303]
    assert set(statuses[3:]) == {429}
    assert read_tally(tool.pk) == (3, 0)
    assert Vote.objects.count() == 3
    assert Visitor.objects.count() == 3  # the refused made nothing, not even a visitor


def test_the_allowance_is_per_tool_and_per_address(tool):
    from tests.factories import ToolFactory

    other = ToolFactory(slug="other-tool")
    for _ in range(4):
        fresh_visitor().post(URL, {"value": "ship"})
    assert fresh_visitor().post("/tools/other-tool/vote/", {"value": "ship"}).status_code == 303
    assert fresh_visitor("198.51.100.1").post(URL, {"value": "ship"}).status_code == 303
    assert read_tally(tool.pk) == (4, 0)
    assert read_tally(other.pk) == (1, 0)


def test_over_the_allowance_htmx_gets_a_429_fragment_and_nothing_changes(tool):
    for _ in range(3):
        fresh_visitor().post(URL, {"value": "ship"})
    rows = list(Vote.objects.values_list("pk", "value", "updated_at"))
    visitor = fresh_visitor()
    response = visitor.post(URL, {"value": "skip"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    text = response.content.decode()
    assert "We already counted 3 new votes on Code Llama 4 from your network address today" in (
        text
    )
    assert 'id="flash"' in text and "<html" not in text
    assert "visitor" not in response.cookies and "sessionid" not in response.cookies
    assert list(Vote.objects.values_list("pk", "value", "updated_at")) == rows
    assert read_tally(tool.pk) == (3, 0)


def test_over_the_allowance_without_js_a_429_page_says_why(tool):
    for _ in range(3):
        fresh_visitor().post(URL, {"value": "ship"})
    response = fresh_visitor().post(URL, {"value": "ship"})
    assert response.status_code == 429
    text = response.content.decode()
    assert "<h1>We did not record that</h1>" in text
    assert "you can vote again tomorrow" in text
    assert Vote.objects.count() == 3


def test_changing_or_withdrawing_and_recasting_a_vote_is_not_a_new_vote(tool):
    voter = fresh_visitor()
    assert voter.post(URL, {"value": "ship"}).status_code == 303
    for _ in range(2):
        fresh_visitor().post(URL, {"value": "ship"})
    # The address's allowance is used up; the voter who has one may still change their mind.
    for value in ["skip", "ship", "clear", "skip"]:
        assert voter.post(URL, {"value": value}).status_code == 303
    assert fresh_visitor().post(URL, {"value": "ship"}).status_code == 429
    assert read_tally(tool.pk) == (2, 1)


def test_a_vote_keeps_keyed_hashes_never_the_address(tool):
    fresh_visitor(HTTP_USER_AGENT="Browser A").post(URL, {"value": "ship"})
    fresh_visitor(HTTP_USER_AGENT="Browser B").post(URL, {"value": "ship"})
    first, second = Vote.objects.order_by("pk")
    assert re.fullmatch(r"[0-9a-f]{64}", first.address_hash)
    assert first.address_hash == second.address_hash  # one address, one day
    assert first.agent_hash != second.agent_hash
    stored = " ".join(str(value) for value in Vote.objects.values_list().get(pk=first.pk))
    assert ATTACKER not in stored


def test_address_hashes_differ_across_days(tool, monkeypatch):
    today = timezone.now()
    for days in (0, 1):
        moment = today + datetime.timedelta(days=days)
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        assert fresh_visitor().post(URL, {"value": "ship"}).status_code == 303
    first, second = Vote.objects.order_by("pk")
    assert first.created_at.date() != second.created_at.date()
    assert first.address_hash != second.address_hash
    assert first.agent_hash != second.agent_hash


def test_an_unpublished_tool_is_refused_before_the_allowance(tool):
    Tool.objects.filter(pk=tool.pk).update(status="draft")
    assert fresh_visitor().post(URL, {"value": "ship"}).status_code == 404
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    "made_up",
    [
        ("sessionid", "madeup{number:026d}"),  # a session the server never issued
        ("visitor", "{number}"),  # a visitor number without a signature
        ("visitor", "{number}:forged-signature"),
    ],
)
def test_a_made_up_cookie_is_not_an_identity(tool, made_up):
    """The voter is a visitor the server issued and signed: a cookie the client invents is
    replaced, and does not get around the allowance."""
    name, pattern = made_up
    statuses = []
    for number in range(5):
        client = fresh_visitor()
        client.cookies[name] = pattern.format(number=number + 1)
        response = client.post(URL, {"value": "ship"})
        statuses.append(response.status_code)
        if response.status_code == 303:
            assert response.cookies["visitor"].value != pattern.format(number=number + 1)
    assert statuses == [303, 303, 303, 429, 429]
    assert Visitor.objects.count() == 3
