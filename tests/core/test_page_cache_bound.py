"""The shared page cache stays bounded however many compare addresses are asked for: two-tool
pages are kept (one per pair in the catalogue), pages of three or four tools only from their
second request within the hour (core/pages.py); Redis's maxmemory and LRU bound the rest."""

from itertools import combinations, islice

import pytest
from django.core.cache import cache, caches
from django.test import RequestFactory

from core import keys, pages
from core.pages import Page, public_page
from tests.factories import ToolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(developer_tools):
    return [
        ToolFactory(name=f"Tool {index:02}", slug=f"tool-{index:02}", category=developer_tools)
        for index in range(24)
    ]


def address(tools) -> str:
    return "/compare/" + "-vs-".join(sorted(tool.slug for tool in tools)) + "/"


def forget_local() -> None:
    """What another worker sees: only the shared cache."""
    caches["pages"].clear()


def test_a_two_tool_page_is_kept_at_once(client, catalogue):
    assert client.get(address(catalogue[:2])).status_code == 200
    assert pages.kept_pages() == 1


def test_a_three_tool_page_is_kept_from_its_second_request(
    client, catalogue, django_assert_num_queries
):
    url = address(catalogue[:3])
    first = client.get(url)
    assert first.status_code == 200
    assert pages.kept_pages() == 0
    second = client.get(url)
    assert second.content == first.content
    assert pages.kept_pages() == 1
    forget_local()
    with django_assert_num_queries(0):  # from the shared cache
        assert client.get(url).content == first.content


# Thousands of requests: the page cache's own path (public_page), around a view that costs
# nothing, at the compare view's addresses (24 tools: 2,024 of three, 10,626 of four).
@public_page()
def comparison(request, pair: str) -> Page:
    slugs = pair.split("-vs-")
    return Page(
        "includes/announce.html",
        {"message": " vs ".join(slugs)},
        [keys.tool(index) for index in range(len(slugs))],
        popular_only=len(slugs) > 2,
    )


def ask(url: str):
    response = comparison(RequestFactory().get(url), url.split("/")[2])
    assert response.status_code == 200
    return response


SLUGS = [f"tool-{index:02}" for index in range(24)]


def addresses(tools_per_page: int, count: int) -> list[str]:
    return [
        "/compare/" + "-vs-".join(slugs) + "/"
        for slugs in islice(combinations(SLUGS, tools_per_page), count)
    ]


def kept(url: str) -> bool:
    """Stored in the shared cache (a first build lives a second: core/pages.py PROVISIONAL)."""
    return cache.get(pages.PREFIX + url + "|page") is not None


def test_thousands_of_addresses_asked_for_once_keep_nothing():
    popular, *scanned = addresses(3, 2024) + addresses(4, 3000)
    ask(popular)
    ask(popular)
    assert pages.kept_pages() == 1
    for url in scanned:
        ask(url)
    assert len(scanned) > 5000
    assert pages.kept_pages() == 1
    forget_local()
    assert kept(popular)


def test_addresses_asked_for_twice_are_kept_and_the_pairs_stay(settings):
    pairs = addresses(2, 50)
    popular = addresses(3, 300) + addresses(4, 300)
    for url in pairs + popular:
        ask(url)
        ask(url)
    assert pages.kept_pages() == 50 + 600
    forget_local()
    assert all(kept(url) for url in pairs + popular)
