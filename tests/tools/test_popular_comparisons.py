import pytest

from tools import popularity
from tools.models import ComparisonView

pytestmark = pytest.mark.django_db

URL = "/compare/code-llama-4-vs-mistral-3b/"


@pytest.fixture(autouse=True)
def empty_buffer():
    popularity._pending.clear()
    yield
    popularity._pending.clear()


def test_views_are_buffered_then_added_to_the_database_in_one_batch(
    client, reference_pair, neighbours, django_assert_num_queries
):
    for _ in range(5):
        client.get(URL)
    client.get("/compare/code-llama-4-vs-neighbour-0/")
    client.get("/compare/mistral-3b-vs-code-llama-4/")  # a redirect is not a view
    client.get("/compare/code-llama-4-vs-nope/")  # nor is a 404
    assert not ComparisonView.objects.exists()
    with django_assert_num_queries(1):
        assert popularity.flush() == 2
    assert dict(ComparisonView.objects.values_list("pair", "views")) == {
        "code-llama-4-vs-mistral-3b": 5,
        "code-llama-4-vs-neighbour-0": 1,
    }
    client.get(URL)
    popularity.flush()
    assert ComparisonView.objects.get(pair="code-llama-4-vs-mistral-3b").views == 6


def test_a_view_does_not_write_until_the_flush_is_due(client, reference_pair, monkeypatch):
    monkeypatch.setattr(popularity, "_last_flush", popularity.time.monotonic())
    client.get(URL)
    assert not ComparisonView.objects.exists()
    monkeypatch.setattr(popularity, "_last_flush", popularity.time.monotonic() - 31)
    client.get(URL)
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
    from comparesite.pagecache import versions

    popularity.record_view("code-llama-4-vs-mistral-3b")
    popularity.flush()
    first = versions(["popular"])
    popularity.record_view("code-llama-4-vs-mistral-3b")
    popularity.flush()
    assert versions(["popular"]) == first  # counted, but home is not rebuilt for it
    assert ComparisonView.objects.get().views == 2
    later = popularity.time.monotonic() + popularity.POPULAR_REFRESH_SECONDS
    monkeypatch.setattr(popularity.time, "monotonic", lambda: later)
    popularity.record_view("code-llama-4-vs-mistral-3b")
    popularity.flush()
    assert versions(["popular"]) != first
