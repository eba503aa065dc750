import pytest

pytestmark = pytest.mark.django_db


def test_the_reverse_order_answers_301_to_the_canonical_page(client, reference_pair):
    response = client.get("/compare/mistral-3b-vs-code-llama-4/")
    assert response.status_code == 301
    assert response["Location"] == "/compare/code-llama-4-vs-mistral-3b/"


def test_a_tool_compared_with_itself_redirects_to_its_page(client, reference_pair):
    response = client.get("/compare/mistral-3b-vs-mistral-3b/")
    assert response.status_code == 301
    assert response["Location"] == "/tools/mistral-3b/"


@pytest.mark.parametrize(
    "path",
    [
        "/compare/foo/",
        "/compare/-vs-mistral-3b/",
        "/compare/code-llama-4-vs-/",
        "/compare/a-vs-b-vs-c-vs-d-vs-e/",
        "/compare/%E2%98%83-vs-mistral-3b/",
        "/compare/" + "a" * 300 + "-vs-b/",
    ],
)
def test_malformed_paths_get_a_helpful_404(client, reference_pair, neighbours, path):
    response = client.get(path)
    assert response.status_code == 404
    content = response.content.decode()
    assert 'role="search"' in content
    assert "Or pick two tools to compare" in content


def test_a_nul_byte_in_the_path_is_a_400(client, reference_pair):
    response = client.get("/compare/code%00llama-vs-mistral-3b/")
    assert response.status_code == 400
    assert "character we never use" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/compare/Code-Llama-4-vs-mistral-3b/",
        "/compare/code-llama-4-vs-mistral-3b-vs/",
        "/compare/code-lama-4-vs-mistral-3b/",
        "/compare/mistral-3c-vs-code-llama-4/",
        "/compare/MISTRAL-3B-vs-code-llama-4./",
    ],
)
def test_a_near_miss_of_a_real_comparison_is_a_301_to_it_in_one_hop(client, reference_pair, path):
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == "/compare/code-llama-4-vs-mistral-3b/"


def test_an_unknown_slug_gets_a_404_suggesting_close_names(client, reference_pair):
    # Another version number is another tool: suggested, never redirected to.
    response = client.get("/compare/code-lama-5-vs-mistral-3b/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "code-lama-5" in content
    assert 'href="/tools/code-llama-4/"' in content


def test_an_unknown_slug_in_any_order_is_a_404_at_once_not_after_a_redirect(client, reference_pair):
    response = client.get("/compare/no-such-tool-vs-mistral-3b/")
    assert response.status_code == 404
    assert "We have no tool called “no-such-tool”." in response.content.decode()


def test_a_misspelt_comparison_offers_the_corrected_one(client, reference_pair):
    response = client.get("/compare/mistral-3c-vs-code-llama-5/")
    assert response.status_code == 404
    assert 'Did you mean <a href="/compare/code-llama-4-vs-mistral-3b/">' in (
        response.content.decode()
    )


def test_an_unpublished_tool_is_not_compared(client, reference_pair):
    reference_pair[1].status = "draft"
    reference_pair[1].save()
    assert client.get("/compare/code-llama-4-vs-mistral-3b/").status_code == 404
    assert client.get("/tools/mistral-3b/").status_code == 404


def test_the_picker_redirects_to_the_canonical_page(client, reference_pair):
    response = client.get("/compare/", {"a": "mistral-3b", "b": "code-llama-4"})
    assert response.status_code == 302
    assert response["Location"] == "/compare/code-llama-4-vs-mistral-3b/"


def test_the_picker_sends_the_same_tool_twice_to_its_page(client, reference_pair):
    response = client.get("/compare/", {"a": "mistral-3b", "b": "mistral-3b"})
    assert response["Location"] == "/tools/mistral-3b/"


def test_the_picker_explains_what_is_missing(client, reference_pair):
    response = client.get("/compare/", {"a": "mistral-3b"})
    assert response.status_code == 400
    assert "Pick two tools" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field", "value"),
    [
        ({"a": "nope", "b": "mistral-3b"}, "First tool", "nope"),
        ({"a": "mistral-3b", "b": "zzzz"}, "Second tool", "zzzz"),
        ({"a": "x" * 5000, "b": "y"}, "First tool", "x" * 100),
    ],
)
def test_the_picker_names_the_field_it_could_not_match(
    client, reference_pair, params, field, value
):
    response = client.get("/compare/", params)
    assert response.status_code == 400
    assert f"{field}: we have no tool called “{value}”." in response.content.decode()


def test_the_picker_accepts_near_misses(client, reference_pair):
    response = client.get("/compare/", {"a": "Mistrall 3B", "b": "code lama 4"})
    assert response.status_code == 302
    assert response["Location"] == "/compare/code-llama-4-vs-mistral-3b/"


def test_the_picker_offers_the_comparison_it_probably_meant(client, reference_pair):
    response = client.get("/compare/", {"a": "Code Llama 4", "b": "Mistrol 7"})
    content = response.content.decode()
    assert response.status_code == 400
    assert "Second tool: we have no tool called “Mistrol 7”." in content
    assert 'Did you mean <a href="/compare/code-llama-4-vs-mistral-3b/">Mistral 3B</a>?' in content


def test_a_word_of_one_name_is_enough(client, reference_pair):
    response = client.get("/compare/", {"a": "llama", "b": "mistral"})
    assert response["Location"] == "/compare/code-llama-4-vs-mistral-3b/"


def test_the_picker_without_a_choice_shows_the_form(client, reference_pair):
    response = client.get("/compare/")
    assert response.status_code == 200
    assert '<option value="Code Llama 4"></option>' in response.content.decode()


def test_compare_rejects_post(client, reference_pair):
    assert client.post("/compare/code-llama-4-vs-mistral-3b/").status_code == 405


def test_three_and_four_way_comparisons_redirect_to_the_sorted_order(
    client, reference_pair, neighbours
):
    response = client.get("/compare/neighbour-0-vs-mistral-3b-vs-code-llama-4/")
    assert response.status_code == 301
    assert response["Location"] == "/compare/code-llama-4-vs-mistral-3b-vs-neighbour-0/"
    response = client.get("/compare/neighbour-1-vs-code-llama-4-vs-neighbour-0-vs-mistral-3b/")
    assert response["Location"] == (
        "/compare/code-llama-4-vs-mistral-3b-vs-neighbour-0-vs-neighbour-1/"
    )


def test_a_repeated_tool_collapses_into_one(client, reference_pair):
    response = client.get("/compare/code-llama-4-vs-mistral-3b-vs-code-llama-4/")
    assert response["Location"] == "/compare/code-llama-4-vs-mistral-3b/"


def test_a_three_way_comparison_shows_every_section_for_three_tools(
    client, reference_pair, neighbours
):
    response = client.get("/compare/code-llama-4-vs-mistral-3b-vs-neighbour-0/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Code Llama 4 vs Mistral 3B vs Neighbour 0" in content
    assert content.count('class="versus__tool') == 3
    assert content.count('<div class="community community-') == 3  # one vote widget each
    assert (
        "Panel pick: Mistral 3B" in content and "Neighbour 0 has not been reviewed yet" in content
    )
    assert "Not reviewed yet" in content


def test_an_unknown_tool_in_a_four_way_comparison_is_a_404(client, reference_pair, neighbours):
    path = "/compare/code-llama-4-vs-mistral-3b-vs-neighbour-0-vs-nope/"
    assert client.get(path).status_code == 404


def test_adding_a_tool_from_the_page_goes_to_the_bigger_comparison(
    client, reference_pair, neighbours
):
    page = client.get("/compare/code-llama-4-vs-mistral-3b/").content.decode()
    assert 'name="t" value="code-llama-4"' in page and '<option value="neighbour-0">' in page
    response = client.get("/compare/", {"t": ["code-llama-4", "mistral-3b", "neighbour-2"]})
    assert response["Location"] == "/compare/code-llama-4-vs-mistral-3b-vs-neighbour-2/"


def test_the_picker_accepts_names_as_typed(client, reference_pair):
    response = client.get("/compare/", {"a": "mistral 3b", "b": "Code Llama 4"})
    assert response["Location"] == "/compare/code-llama-4-vs-mistral-3b/"


def test_the_picker_refuses_five_tools(client, reference_pair, neighbours):
    slugs = ["code-llama-4", "mistral-3b", "neighbour-0", "neighbour-1", "neighbour-2"]
    response = client.get("/compare/", {"t": slugs})
    assert response.status_code == 400
    assert "at most 4" in response.content.decode()
