import xml.etree.ElementTree as ET

import pytest

from tests.factories import CategoryFactory, ToolFactory

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}


def sitemap_urls(client) -> list[str]:
    """Every address in every file the sitemap index lists."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    files = [loc.text for loc in ET.fromstring(index.content).findall("s:sitemap/s:loc", NS)]
    urls = []
    for address in files:
        path = "/" + address.split("://", 1)[1].split("/", 1)[1]
        response = client.get(path)
        assert response.status_code == 200, path
        locs = ET.fromstring(response.content).findall("s:url/s:loc", NS)
        assert len(locs) <= 50_000
        urls += [loc.text for loc in locs]
    return urls


def test_the_sitemap_lists_tools_categories_reviewers_and_same_category_comparisons(
    client, reference_pair, neighbours
):
    elsewhere = ToolFactory(slug="elsewhere", category=CategoryFactory(slug="other"))
    hidden = ToolFactory(slug="hidden", category=reference_pair[0].category, status="draft")
    urls = set(sitemap_urls(client))
    paths = {url.split("://", 1)[1].split("/", 1)[1] for url in urls}
    assert "tools/code-llama-4/" in paths
    assert "categories/developer-tools/" in paths
    assert "reviewers/builder/" in paths
    assert "compare/code-llama-4-vs-mistral-3b/" in paths
    assert "compare/mistral-3b-vs-neighbour-0/" in paths
    assert not any(elsewhere.slug in path and "compare" in path for path in paths)
    assert not any(hidden.slug in path for path in paths)
    assert "" in paths  # the home page


def test_robots_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in response.content.decode()


def test_the_verdicts_feed_is_atom_that_parses(client, reference_pair):
    response = client.get("/feeds/verdicts/")
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    entries = feed.findall("a:entry", NS)
    assert len(entries) == 8
    titles = [entry.find("a:title", NS).text for entry in entries]
    assert any("84/100 · ship" in title and "Code Llama 4" in title for title in titles)
    links = [entry.find("a:link", NS).get("href") for entry in entries]
    assert all("/tools/" in link and "#critic-" in link for link in links)


def test_at_5000_tools_the_sitemap_stays_finite_and_lists_no_pair_twice(
    client, panel, django_assert_max_num_queries
):
    from core.publishing import Status
    from tools.models import ComparisonView, Tool
    from tools.sitemaps import PER_FILE

    one_category = CategoryFactory(slug="models")
    Tool.objects.bulk_create(
        Tool(
            name=f"Model {number:04d}",
            slug=f"model-{number:04d}",
            maker="Lab",
            category=one_category,
            tagline="One of many",
            description="Made in bulk.",
            pricing_model="paid",
            entry_price="$1/mo",
            status=Status.PUBLISHED,
        )
        for number in range(5000)
    )
    ComparisonView.objects.create(pair="model-0001-vs-model-4999", views=50)
    ComparisonView.objects.create(pair="model-0001-vs-model-0002-vs-model-0003", views=40)
    # The index and six files (comparisons take two): a few queries each, none per tool.
    with django_assert_max_num_queries(20):
        urls = sitemap_urls(client)
    compare = [url for url in urls if "-vs-" in url]
    assert len(compare) == len(set(compare))  # no pair twice
    # Each tool with its three nearest rivals (one category: 3 x 5000 - 6), plus the popular pair.
    assert len(compare) == 3 * 5000 - 6 + 1
    assert any(url.endswith("/compare/model-0001-vs-model-4999/") for url in compare)
    assert not any("model-0003/" in url and url.count("-vs-") == 2 for url in compare)
    assert len(urls) < 5 * PER_FILE


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_HOST": "localhost"},
        {"HTTP_HOST": "localhost", "HTTP_X_FORWARDED_PROTO": "https"},
        {"HTTP_X_FORWARDED_PROTO": "gopher", "HTTP_X_FORWARDED_SSL": "on"},
    ],
)
def test_every_sitemap_address_is_on_site_url_whatever_the_request_says(
    client, reference_pair, settings, headers
):
    settings.SITE_URL = "https://compare.example.com"
    settings.ALLOWED_HOSTS = ["localhost", "testserver", "compare.example.com"]
    index = client.get("/sitemap.xml", **headers)
    files = [loc.text for loc in ET.fromstring(index.content).findall("s:sitemap/s:loc", NS)]
    assert files and all(f.startswith("https://compare.example.com/sitemap-") for f in files)
    for address in files:
        path = "/" + address.split("://", 1)[1].split("/", 1)[1]
        section = client.get(path, **headers)
        locs = [loc.text for loc in ET.fromstring(section.content).findall("s:url/s:loc", NS)]
        assert locs and all(loc.startswith("https://compare.example.com/") for loc in locs)
