import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import CategoryFactory, VoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(make_reviewed_tool, developer_tools):
    agents = CategoryFactory(name="Agents", slug="agents")
    tools = {
        "alpha": make_reviewed_tool(
            (90, "ship"), (80, "ship"), name="Alpha", slug="alpha", category=developer_tools
        ),
        "beta": make_reviewed_tool(
            (40, "skip"),
            (30, "skip"),
            name="Beta",
            slug="beta",
            category=developer_tools,
            pricing_model="paid",
        ),
        "gamma": make_reviewed_tool(
            (70, "ship"),
            (40, "skip"),
            name="Gamma",
            slug="gamma",
            category=agents,
            pricing_model="freemium",
        ),
        "delta": make_reviewed_tool(
            (65, "ship"),
            (75, "ship"),
            name="Delta",
            slug="delta",
            category=agents,
            pricing_model="paid",
        ),
    }
    for value in ["skip", "skip", "ship"]:
        VoteFactory(tool=tools["alpha"], value=value)
    for value in ["ship", "ship"]:
        VoteFactory(tool=tools["beta"], value=value)
    return tools


def names(response) -> list[str]:
    section = response.content.decode().split('id="results"', 1)[1]
    return re.findall(r'<h3><a href="/tools/[^"]+/">([^<]+)</a>', section)


def test_it_lists_every_published_tool_by_panel_ship_rate(client, catalogue):
    response = client.get("/tools/")
    assert response.status_code == 200
    assert names(response) == ["Alpha", "Delta", "Gamma", "Beta"]


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"category": "agents"}, ["Delta", "Gamma"]),
        ({"pricing": "paid"}, ["Delta", "Beta"]),
        ({"verdict": "split"}, ["Gamma"]),
        ({"verdict": "skip"}, ["Beta"]),
        ({"category": "agents", "pricing": "paid", "verdict": "ship"}, ["Delta"]),
        ({"category": "developer-tools", "verdict": "split"}, []),
        ({"sort": "name"}, ["Alpha", "Beta", "Delta", "Gamma"]),
        ({"sort": "community"}, ["Beta", "Alpha", "Delta", "Gamma"]),
        ({"sort": "score"}, ["Alpha", "Delta", "Gamma", "Beta"]),
        ({"category": "agents", "sort": "name"}, ["Delta", "Gamma"]),
    ],
)
def test_filters_and_sorts_combine(client, catalogue, params, expected):
    assert names(client.get("/tools/", params)) == expected


@pytest.mark.parametrize(
    "params",
    [{"category": "nope"}, {"pricing": "<b>"}, {"verdict": "x" * 500}, {"sort": "'; drop"}],
)
def test_unknown_values_are_ignored_not_errors(client, catalogue, params):
    response = client.get("/tools/", params)
    assert response.status_code == 200
    assert len(names(response)) == 4


def test_the_url_reproduces_the_state_and_htmx_gets_only_the_results(client, catalogue):
    page = client.get("/tools/", {"category": "agents", "sort": "name"}).content.decode()
    assert '<option value="agents" selected>' in page
    assert '<option value="name" selected>' in page
    assert 'hx-push-url="true"' in page
    fragment = client.get("/tools/", {"category": "agents"}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()
    assert fragment.content.decode().lstrip().startswith('<section id="results"')
    assert "HX-Request" in fragment["Vary"]


def test_it_paginates_and_keeps_the_filters(client, make_reviewed_tool, developer_tools):
    for index in range(30):
        make_reviewed_tool((70, "ship"), slug=f"t-{index:02d}", category=developer_tools)
    first = client.get("/tools/", {"category": "developer-tools", "sort": "name"})
    assert len(names(first)) == 24
    assert "category=developer-tools&amp;sort=name&amp;page=2" in first.content.decode()
    second = client.get("/tools/", {"category": "developer-tools", "sort": "name", "page": "2"})
    assert len(names(second)) == 6
    assert client.get("/tools/", {"page": "abc"}).status_code == 200
    assert client.get("/tools/", {"page": "999"}).status_code == 200


def test_queries_do_not_grow_with_the_catalogue(
    client, catalogue, make_reviewed_tool, django_assert_max_num_queries
):
    cache.clear()  # measure building the page, not serving it from the cache
    with django_assert_max_num_queries(4) as few:
        client.get("/tools/")
    for index in range(40):
        make_reviewed_tool((70, "ship"), slug=f"more-{index}")
    cache.clear()
    with django_assert_max_num_queries(4) as many:
        client.get("/tools/")
    assert len(few.captured_queries) == len(many.captured_queries)
    with django_assert_max_num_queries(0):
        client.get("/tools/")  # served from the cache


def test_a_vote_shows_to_the_voter_at_once_and_to_others_within_the_window(
    client, catalogue, later
):
    assert names(client.get("/tools/", {"sort": "community"})) == [
        "Beta",
        "Alpha",
        "Delta",
        "Gamma",
    ]
    reader = Client()
    before = names(reader.get("/tools/", {"sort": "community"}))
    assert client.post("/tools/gamma/vote/", {"value": "ship"}).status_code == 303
    after = ["Beta", "Gamma", "Alpha", "Delta"]
    assert names(reader.get("/tools/", {"sort": "community"})) == before  # the cached page
    assert names(client.get("/tools/", {"sort": "community"})) == after  # the voter: at once
    assert client.post("/tools/gamma/vote/", {"value": "clear"}).status_code == 303
    assert names(reader.get("/tools/", {"sort": "community"})) in (before, after)  # in window
    later(settings.TALLY_WINDOW_SECONDS)
    assert names(reader.get("/tools/", {"sort": "community"})) == before


@pytest.mark.parametrize(
    "params,stored",
    [({"category": "agents"}, True), ({"category": "no-such"}, False), ({"page": "999"}, False)],
)
def test_made_up_filter_values_and_pages_are_answered_but_not_cached(
    client, catalogue, params, stored
):
    """Otherwise anyone could fill the cache by inventing addresses."""
    assert client.get("/tools/", params).status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert client.get("/tools/", params).status_code == 200
    assert (len(again) == 0) == stored
