import pytest

from tools import popularity
from tools.models import ComparisonView

pytestmark = pytest.mark.django_db

URL = "/compare/code-llama-4-vs-mistral-3b/"


def view(client, url: str, **headers) -> None:
    """What a browser does: load the page, then send its beacon (the page may come from a
    shared cache that never reaches Django)."""
    client.get(url)
    client.post(url + "viewed/", **headers)


def test_each_visitors_first_view_of_the_day_is_one_upsert(
    client, reference_pair, neighbours, django_assert_num_queries
):
    for number in range(5):
        view(client, URL, HTTP_USER_AGENT=f"reader {number}")
    view(client, "/compare/code-llama-4-vs-neighbour-0/")
    view(client, "/compare/mistral-3b-vs-code-llama-4/")  # a redirect is not a view
    assert dict(ComparisonView.objects.values_list("pair", "views")) == {
        "code-llama-4-vs-mistral-3b": 5,
        "code-llama-4-vs-neighbour-0": 1,
    }
    with django_assert_num_queries(1):
        client.post(URL + "viewed/", HTTP_USER_AGENT="reader 5")
    assert ComparisonView.objects.get(pair="code-llama-4-vs-mistral-3b").views == 6
    with django_assert_num_queries(0):
        client.post(URL + "viewed/", HTTP_USER_AGENT="reader 5")  # seen today already


def test_a_visitor_counts_once_a_day_and_plain_gets_not_at_all(client, reference_pair):
    for _ in range(30):
        client.get(URL)  # a crawler or a script: the page alone counts nothing
    assert not ComparisonView.objects.exists()
    for _ in range(3):
        view(client, URL)
    assert ComparisonView.objects.get().views == 1


def test_the_beacon_refuses_what_is_not_a_comparison(client, reference_pair):
    assert client.post("/compare/nothing-here/viewed/").status_code == 400
    assert client.get(URL + "viewed/").status_code == 405
    assert client.post("/compare/mistral-3b-vs-code-llama-4/viewed/").status_code == 204
    assert not ComparisonView.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_beacons_lose_no_count(reference_pair):
    import threading

    from django.db import connection

    def count(number: int) -> None:
        for _ in range(5):
            popularity.record_view("code-llama-4-vs-mistral-3b")
        connection.close()

    threads = [threading.Thread(target=count, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ComparisonView.objects.get().views == 40


def test_home_and_category_show_the_most_viewed(client, reference_pair, neighbours):
    ComparisonView.objects.create(pair="code-llama-4-vs-neighbour-1", views=50)
    ComparisonView.objects.create(pair="code-llama-4-vs-mistral-3b", views=10)
    ComparisonView.objects.create(pair="gone-vs-mistral-3b", views=99)
    home = client.get("/").content.decode()
    section = home.split('id="popular-title"', 1)[1].split("</section>", 1)[0]
    assert section.index("neighbour-1") < section.index("code-llama-4-vs-mistral-3b")
    assert "gone" not in section
    category = client.get("/categories/developer-tools/").content.decode()
    assert "Most viewed comparisons in Developer Tools" in category
    assert 'href="/compare/code-llama-4-vs-neighbour-1/"' in category


def test_views_refresh_the_popular_lists_at_most_every_ten_minutes(reference_pair):
    from django.core.cache import cache

    from core.pages import versions

    popularity.record_view("code-llama-4-vs-mistral-3b")
    first = versions(["popular"])
    popularity.record_view("code-llama-4-vs-mistral-3b")
    assert versions(["popular"]) == first  # counted, but home is not rebuilt for it
    assert ComparisonView.objects.get().views == 2
    cache.delete(popularity.POPULAR_BUMPED)  # what ten minutes do
    popularity.record_view("code-llama-4-vs-mistral-3b")
    assert versions(["popular"]) != first


def test_one_address_counts_at_most_its_hourly_allowance_of_views(client, reference_pair, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "view": {"ip": "3/h", "visitor": "3/h"}}
    statuses = [
        client.post(URL + "viewed/", HTTP_USER_AGENT=f"browser {n}").status_code for n in range(5)
    ]
    assert statuses == [204, 204, 204, 429, 429]
    assert ComparisonView.objects.get().views == 3
