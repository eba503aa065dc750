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


@pytest.fixture(autouse=True)
def empty_buffer():
    popularity._pending.clear()
    yield
    popularity._pending.clear()


def test_views_are_buffered_then_added_to_the_database_in_one_batch(
    client, reference_pair, neighbours, django_assert_num_queries
):
    for number in range(5):
        view(client, URL, HTTP_USER_AGENT=f"reader {number}")
    view(client, "/compare/code-llama-4-vs-neighbour-0/")
    view(client, "/compare/mistral-3b-vs-code-llama-4/")  # a redirect is not a view
    assert not ComparisonView.objects.exists()
    with django_assert_num_queries(1):
        assert popularity.flush() == 2
    assert dict(ComparisonView.objects.values_list("pair", "views")) == {
        "code-llama-4-vs-mistral-3b": 5,
        "code-llama-4-vs-neighbour-0": 1,
    }
    view(client, URL, HTTP_USER_AGENT="reader 5")
    popularity.flush()
    assert ComparisonView.objects.get(pair="code-llama-4-vs-mistral-3b").views == 6


def test_a_visitor_counts_once_a_day_and_plain_gets_not_at_all(client, reference_pair):
    for _ in range(30):
        client.get(URL)  # a crawler or a script: the page alone counts nothing
    for _ in range(3):
        view(client, URL)
    popularity.flush()
    assert ComparisonView.objects.get().views == 1


def test_the_beacon_refuses_what_is_not_a_comparison(client, reference_pair):
    assert client.post("/compare/nothing-here/viewed/").status_code == 400
    assert client.get(URL + "viewed/").status_code == 405
    assert client.post("/compare/mistral-3b-vs-code-llama-4/viewed/").status_code == 204
    popularity.flush()
    assert not ComparisonView.objects.exists()


def test_a_view_does_not_write_until_the_flush_is_due(client, reference_pair, monkeypatch):
    monkeypatch.setattr(popularity, "_last_flush", popularity.time.monotonic())
    view(client, URL, HTTP_USER_AGENT="first")
    assert not ComparisonView.objects.exists()
    monkeypatch.setattr(popularity, "_last_flush", popularity.time.monotonic() - 31)
    view(client, URL, HTTP_USER_AGENT="second")
    assert ComparisonView.objects.get().views == 2


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


def test_flushes_refresh_the_popular_lists_at_most_every_ten_minutes(reference_pair, monkeypatch):
    from core.pages import last_change

    popularity.record_view("code-llama-4-vs-mistral-3b")
    popularity.flush()
    first = last_change("popular")
    popularity.record_view("code-llama-4-vs-mistral-3b")
    popularity.flush()
    assert last_change("popular") == first  # counted, but home is not rebuilt for it
    assert ComparisonView.objects.get().views == 2
    later = popularity.time.monotonic() + popularity.POPULAR_REFRESH_SECONDS
    monkeypatch.setattr(popularity.time, "monotonic", lambda: later)
    popularity.record_view("code-llama-4-vs-mistral-3b")
    popularity.flush()
    assert last_change("popular") != first
