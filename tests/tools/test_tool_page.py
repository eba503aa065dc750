import json
import re

import pytest

from tests.factories import ToolFactory, VoteFactory

pytestmark = pytest.mark.django_db


def test_it_shows_the_card_the_whole_panel_and_the_community(client, reference_pair):
    for value in ["ship", "ship", "skip"]:
        VoteFactory(tool=reference_pair[0], value=value)
    response = client.get("/tools/code-llama-4/")
    assert response.status_code == 200
    content = response.content.decode()
    for fact in [
        "Code Llama 4",
        "Ship · 3 ship / 1 skip",
        "84/100 · ship",
        "55/100 · skip",
        "67% ship · 3 votes",
        "Llama 4 Community License",
    ]:
        assert fact in content, fact


def test_it_links_to_comparisons_with_the_rest_of_its_category(client, reference_pair, neighbours):
    content = client.get("/tools/mistral-3b/").content.decode()
    assert 'href="/compare/code-llama-4-vs-mistral-3b/"' in content
    assert 'href="/compare/mistral-3b-vs-neighbour-2/"' in content


def test_it_carries_json_ld_with_the_panel_reviews(client, reference_pair):
    content = client.get("/tools/mistral-3b/").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    data = json.loads(block.group(1))
    assert data["@type"] == "SoftwareApplication"
    assert data["url"].endswith("/tools/mistral-3b/")
    assert [r["reviewRating"]["ratingValue"] for r in data["review"]] == [87, 80, 84, 75]
    assert "aggregateRating" not in data


def test_query_count_does_not_grow_with_the_category(
    client, reference_pair, neighbours, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        assert client.get("/tools/code-llama-4/").status_code == 200


def test_an_unknown_tool_gets_a_helpful_404(client, reference_pair):
    response = client.get("/tools/mistral-4b/")  # another version: suggested, not redirected
    assert response.status_code == 404
    assert 'href="/tools/mistral-3b/"' in response.content.decode()


@pytest.mark.parametrize("path", ["/tools/mistral-3c/", "/tools/Mistral-3B/", "/tools/mistral.3b/"])
def test_a_near_miss_of_a_tool_address_is_a_301_to_it(client, reference_pair, path):
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == "/tools/mistral-3b/"


def test_a_drafts_address_never_redirects_to_another_tool(client, reference_pair):
    ToolFactory(name="Mistral 3B Pro", slug="mistral-3b-pro", status="draft")
    assert client.get("/tools/mistral-3b-pro/").status_code == 404


def test_it_offers_the_picker_with_this_tool_filled_in(client, reference_pair, neighbours):
    content = client.get("/tools/mistral-3b/").content.decode()
    assert 'id="pick-a" name="a" type="text" list="tool-names"' in content
    assert 'value="Mistral 3B" placeholder' in content
    assert '<option value="Neighbour 0"></option>' in content
    response = client.get("/compare/", {"a": "Mistral 3B", "b": "Neighbour 0"})
    assert response["Location"] == "/compare/mistral-3b-vs-neighbour-0/"
