import xml.etree.ElementTree as ET

import pytest

from tests.factories import CategoryFactory, ToolFactory

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}


def test_the_sitemap_lists_tools_categories_reviewers_and_same_category_comparisons(
    client, reference_pair, neighbours
):
    elsewhere = ToolFactory(slug="elsewhere", category=CategoryFactory(slug="other"))
    hidden = ToolFactory(slug="hidden", category=reference_pair[0].category, status="draft")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = {loc.text for loc in ET.fromstring(response.content).findall("s:url/s:loc", NS)}
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
