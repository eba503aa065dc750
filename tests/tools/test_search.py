import re

import pytest

from tests.factories import ToolFactory

pytestmark = pytest.mark.django_db


def result_names(response) -> list[str]:
    section = response.content.decode().split('aria-label="Results"', 1)[1]
    return re.findall(r'<a href="/tools/[^"]+/">([^<]+)</a>', section)


@pytest.fixture
def tools(reference_pair):
    ToolFactory(
        name="Llama Stack", slug="llama-stack", tagline="Serve Llama models", description="x"
    )
    ToolFactory(
        name="Agent Kit", slug="agent-kit", tagline="Build agents", description="Wraps Llama too"
    )
    ToolFactory(name="Näive Ünicode", slug="naive-unicode", tagline="Ünïcödé tagline")
    ToolFactory(name="日本語モデル", slug="japanese-model", tagline="多言語のモデル")


def test_an_exact_name_ranks_first_then_tagline_then_description(client, tools):
    names = result_names(client.get("/search/", {"q": "llama"}))
    assert names[0] == "Llama Stack"
    assert names.index("Llama Stack") < names.index("Agent Kit")
    assert "Code Llama 4" in names


def test_a_prefix_finds_the_tool(client, tools):
    assert "Llama Stack" in result_names(client.get("/search/", {"q": "llam"}))
    assert "Mistral 3B" in result_names(client.get("/search/", {"q": "mis"}))


@pytest.mark.parametrize("query", ["m", "ü", "日本語", "ünicode", "モデル"])
def test_short_and_non_latin_queries_work(client, tools, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200


def test_non_latin_names_are_found(client, tools):
    assert "日本語モデル" in result_names(client.get("/search/", {"q": "日本語モデル"}))
    assert "Näive Ünicode" in result_names(client.get("/search/", {"q": "ünicode"}))


def test_an_empty_query_explains_and_a_long_one_is_refused_politely(client, tools):
    empty = client.get("/search/", {"q": "   "})
    assert empty.status_code == 200
    assert "Type a tool name" in empty.content.decode()
    long = client.get("/search/", {"q": "llama " * 170})
    assert long.status_code == 400
    assert "too long" in long.content.decode()
    assert client.get("/search/", {"q": "x" * 1000}).status_code == 400


def test_each_result_shows_the_panel_badge(client, tools):
    content = client.get("/search/", {"q": "code llama"}).content.decode()
    assert 'class="badge badge--ship"' in content


@pytest.mark.parametrize(
    "query", ["cursor vs copilot", "Cursor VS GitHub Copilot", "github copilot versus cursr"]
)
def test_x_vs_y_goes_straight_to_the_comparison(client, query):
    ToolFactory(name="Cursor", slug="cursor")
    ToolFactory(name="GitHub Copilot", slug="github-copilot")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 302
    assert response["Location"] == "/compare/cursor-vs-github-copilot/"


def test_x_vs_an_unknown_y_searches_as_usual(client, tools):
    response = client.get("/search/", {"q": "cursor vs nothing-like-it"})
    assert response.status_code == 200
