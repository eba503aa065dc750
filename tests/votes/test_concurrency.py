"""No vote is lost or doubled, with real Postgres transactions and real parallel requests."""

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client, override_settings

from tools.models import Tool
from votes.models import Visitor, Vote

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("generous_limits"),
]

URL = "/tools/code-llama-4/vote/"
WORKERS = 16


@pytest.fixture
def generous_limits():
    limits = {"ip": "100000/m", "visitor": "100000/m"}
    with override_settings(RATE_LIMITS={"vote": limits, "bookmark": limits}):
        yield


def in_parallel(jobs):
    """Run the callables on WORKERS threads released together; return their results."""
    start = threading.Barrier(min(WORKERS, len(jobs)))

    def run(job):
        try:
            if threading.current_thread().name not in started:
                started.add(threading.current_thread().name)
                start.wait(timeout=30)
            return job()
        finally:
            connections.close_all()

    started: set[str] = set()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(run, jobs))


def tally(tool):
    return Tool.objects.with_community_tally().get(pk=tool.pk).community


def test_a_hundred_distinct_visitors_at_once_make_a_hundred_votes(tool):
    def vote_as_new_visitor(index):
        # A hundred people on a hundred addresses (one address has a daily allowance per tool).
        client = Client(REMOTE_ADDR=f"198.51.100.{index}")
        return lambda: client.post(URL, {"value": "ship" if index % 4 else "skip"}).status_code

    statuses = in_parallel([vote_as_new_visitor(index) for index in range(100)])
    assert statuses == [303] * 100
    assert Vote.objects.filter(tool=tool).count() == 100
    assert Visitor.objects.count() == 100
    assert str(tally(tool)) == "75% ship · 100 votes"


def clicks_in_parallel(visitor: str, count: int) -> list[int]:
    """`count` clicks at once, alternately skip and ship, from browsers holding one visitor
    cookie; their statuses."""

    def click(value):
        def send():
            client = Client()
            client.cookies["visitor"] = visitor
            return client.post(URL, {"value": value}).status_code

        return send

    return in_parallel([click("ship" if index % 2 else "skip") for index in range(count)])


def test_twenty_parallel_clicks_by_one_visitor_make_one_vote(tool):
    first = Client()
    assert first.post(URL, {"value": "ship"}).status_code == 303
    visitor = first.cookies["visitor"].value

    statuses = clicks_in_parallel(visitor, 20)
    assert statuses == [303] * 20
    assert Vote.objects.filter(tool=tool).count() == 1
    assert Visitor.objects.count() == 1
    assert tally(tool).total == 1


def test_parallel_first_votes_on_a_tool_by_a_returning_visitor_make_one_vote(tool, settings):
    """A visitor (their cookie) but no vote on this tool yet: every click finds no row to
    change, is charged as a new vote, and the INSERT ... ON CONFLICT makes one row."""
    settings.VOTES_PER_ADDRESS_PER_TOOL_PER_DAY = 1000
    first = Client()
    assert first.post(URL, {"value": "ship"}).status_code == 303
    assert first.post(URL, {"value": "clear"}).status_code == 303
    visitor = first.cookies["visitor"].value
    assert not Vote.objects.exists()

    statuses = clicks_in_parallel(visitor, 16)
    assert statuses == [303] * 16
    assert Vote.objects.filter(tool=tool).count() == 1
    assert Visitor.objects.count() == 1
    value = Vote.objects.get().value
    figure = tally(tool)
    assert (figure.ships, figure.skips) == ((1, 0) if value == "ship" else (0, 1))


def test_a_storm_of_switches_and_withdrawals_ends_with_figures_equal_to_the_rows(tool):
    visitors = []
    for number in range(12):
        client = Client(REMOTE_ADDR=f"198.51.100.{number}")
        client.post(URL, {"value": "ship"})
        visitors.append(client)
    plans = [[random.choice(["ship", "skip", "clear"]) for _ in range(15)] for _ in visitors]

    def storm(client, plan):
        def send():
            for value in plan:
                assert client.post(URL, {"value": value}).status_code == 303
            return plan[-1]

        return send

    finals = in_parallel(
        [storm(client, plan) for client, plan in zip(visitors, plans, strict=True)]
    )
    rows = list(Vote.objects.filter(tool=tool).values_list("value", flat=True))
    expected = [final for final in finals if final != "clear"]
    assert sorted(rows) == sorted(expected)
    figure = tally(tool)
    assert (figure.ships, figure.skips) == (rows.count("ship"), rows.count("skip"))


def test_the_vote_form_queues_a_second_click_until_the_first_is_answered(tool):
    """A browser's very first clicks carry no cookie; htmx sends the second only once the
    first has answered (and set the visitor cookie), so a double click makes one visitor."""
    content = Client().get("/tools/code-llama-4/").content.decode()
    form = content[content.index('<form class="vote-form"') :].split(">", 1)[0]
    assert 'hx-sync="this:queue last"' in form


def test_forty_simultaneous_fresh_visitors_from_one_address_count_the_allowance(tool, settings):
    settings.VOTES_PER_ADDRESS_PER_TOOL_PER_DAY = 3

    def attack():
        return Client(REMOTE_ADDR="203.0.113.7").post(URL, {"value": "ship"}).status_code

    statuses = in_parallel([attack for _ in range(40)])
    assert sorted(statuses) == [303] * 3 + [429] * 37
    assert Vote.objects.filter(tool=tool).count() == 3
    assert str(tally(tool)) == "100% ship · 3 votes"
