import pytest
from django.core.cache import cache

from core import pages
from tests.factories import ToolFactory

pytestmark = pytest.mark.django_db


def test_it_offers_a_picker_that_works_without_javascript(client, reference_pair):
    content = client.get("/").content.decode()
    assert '<form class="picker" action="/compare/" method="get">' in content
    assert 'name="a"' in content and 'name="b"' in content
    assert 'list="tool-names"' in content
    assert '<option value="Mistral 3B"></option>' in content


def test_it_features_comparisons_latest_verdicts_and_categories(client, reference_pair):
    content = client.get("/").content.decode()
    assert 'href="/compare/code-llama-4-vs-mistral-3b/"' in content
    assert "Latest verdicts" in content
    assert 'href="/categories/developer-tools/"' in content


def test_home_queries_are_bounded(
    client, reference_pair, neighbours, make_reviewed_tool, django_assert_max_num_queries
):
    # Each category's shelf, the counts, the latest verdicts, the picker's names, the popular
    # comparisons (two): small queries, none reading the whole catalogue.
    with django_assert_max_num_queries(6) as few:
        client.get("/")
    for index in range(20):
        make_reviewed_tool((70, "ship"), slug=f"more-{index}")
    cache.clear()
    with django_assert_max_num_queries(6) as many:
        client.get("/")
    assert len(few.captured_queries) == len(many.captured_queries)


def test_each_category_shows_its_panel_favourites_and_links_to_the_rest(
    client, make_reviewed_tool, developer_tools
):
    for index in range(10):
        score = 90 - index * 5
        make_reviewed_tool(
            (score, "ship" if score >= 60 else "skip"),
            slug=f"rank-{index}",
            category=developer_tools,
        )
    shelf = client.get("/").content.decode().split('id="cat-developer-tools"')[1]
    shelf = shelf.split("</section>")[0]
    shown = [f"/tools/rank-{index}/" for index in range(10) if f"/tools/rank-{index}/" in shelf]
    assert shown == [f"/tools/rank-{index}/" for index in range(8)]
    assert '<a href="/categories/developer-tools/">See all 10 in Developer Tools</a>' in shelf


def test_category_page_ranks_its_tools(client, reference_pair, neighbours):
    response = client.get("/categories/developer-tools/")
    content = response.content.decode()
    assert response.status_code == 200
    assert content.index("Mistral 3B") < content.index("Code Llama 4") < content.index("Neighbour")


def test_a_long_category_is_paged_with_links_both_ways(client, developer_tools):
    ToolFactory.create_batch(30, category=developer_tools)
    first = client.get("/categories/developer-tools/").content.decode()
    assert first.count('class="mini-card tool-card"') == 24
    assert '<a href="?page=2">Next →</a>' in first
    assert "Page 1 of 2 · 30 tools" in first
    second = client.get("/categories/developer-tools/?page=2").content.decode()
    assert second.count('class="mini-card tool-card"') == 6
    assert '<a href="?page=1">← Previous</a>' in second
    assert "(page 2)" in second.split("</title>")[0]
    assert (
        'rel="canonical" href="http://127.0.0.1:8000/categories/developer-tools/?page=2"' in second
    )


@pytest.mark.parametrize("page", ["0", "-3", "two", "99999999999999999999"])
def test_an_odd_category_page_number_still_answers_a_page(client, developer_tools, page):
    ToolFactory.create_batch(30, category=developer_tools)
    response = client.get("/categories/developer-tools/", {"page": page})
    assert response.status_code == 200
    assert "Page " in response.content.decode()
    # A made-up page number is answered, not kept: only real pages fill the cache.
    assert pages.kept_pages() == 0


def test_reviewer_page_lists_their_verdicts(client, reference_pair):
    response = client.get("/reviewers/founder/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "55/100 · skip" in content and "75/100 · ship" in content


def test_an_unknown_address_gets_the_helpful_404(client, reference_pair):
    response = client.get("/mistral-3b")
    assert response.status_code == 404
    assert 'role="search"' in response.content.decode()


@pytest.mark.parametrize("query", ["llam", "Mistral", "open-weight code", "on-device"])
def test_search_finds_tools_by_prefix_and_words(client, reference_pair, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert 'href="/tools/' in response.content.decode()


def test_search_handles_empty_odd_and_overlong_queries(client, reference_pair):
    assert client.get("/search/").status_code == 200
    assert client.get("/search/", {"q": "&&& :* !"}).status_code == 200
    response = client.get("/search/", {"q": "x" * 5000})
    assert response.status_code == 400
    assert "too long" in response.content.decode()


def test_the_header_suggests_tools_as_you_type(client, reference_pair):
    response = client.get("/search/suggest/", {"q": "mist"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'href="/tools/mistral-3b/"' in content
    assert 'href="/search/?q=mist"' in content
    assert client.get("/search/suggest/", {"q": "zzzz"}).content.decode().count("No tool") == 1
    assert client.get("/search/suggest/").content.strip() == b""


def test_every_page_has_a_header_search_that_works_as_a_plain_form(client, reference_pair):
    content = client.get("/tools/mistral-3b/").content.decode()
    form = 'action="/search/" method="get" role="search" aria-label="Search the site"'
    assert f'<form class="header-search" {form}>' in content
    assert 'hx-trigger="input changed delay:250ms, search"' in content


def test_home_links_to_the_disagreements(client, reference_pair):
    assert 'href="/disagreements/"' in client.get("/").content.decode()
