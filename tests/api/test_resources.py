"""The public API's resources (api/views.py): what each answers, paging through everything,
the directory's filters, ETag and 304, cache headers and CORS, and never a draft."""

from html import unescape

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import ToolFactory
from tests.modelspecs.test_pick_by_the_numbers import model
from tools.models import OldSlug, Tool
from verdicts.models import Review

pytestmark = pytest.mark.django_db

API = "/api/v1"


def get(path: str, **params):
    response = Client().get(API + path, params)
    return response, response.json() if response.content else None


@pytest.fixture
def catalogue(reference_pair):
    models = [
        model("Lab Fast", "0.15", "0.6", context_window=128_000),
        model("Lab Large", "3", "15", tool_calling=False),
        model("Lab Mini", "0.05", "0.2", context_window=32_000, open_weights=True),
    ]
    ToolFactory(name="Hidden Draft", slug="hidden-draft", status="draft")
    return [*reference_pair, *models]


def test_a_tool_has_its_facts_panel_community_and_model_figures(catalogue):
    response, tool = get("/tools/lab-fast")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    fast = Tool.objects.get(slug="lab-fast")
    assert tool["id"] == fast.pk and tool["name"] == "Lab Fast"
    assert tool["url"] == f"{settings.SITE_URL}/tools/lab-fast/"
    assert tool["model"]["input_price"] == 0.15 and tool["model"]["context_window"] == 128_000
    assert tool["panel"]["verdict"] == "none"
    assert tool["community"] == {"ships": 0, "skips": 0, "ship_percent": None}
    _, reviewed = get("/tools/code-llama-4")
    assert reviewed["panel"]["verdict"] == "ship" and reviewed["model"] is None
    assert reviewed["panel"]["ships"] + reviewed["panel"]["skips"] == 4


def test_a_tool_is_found_by_id_by_slug_and_by_a_slug_it_had(catalogue):
    tool = catalogue[0]
    OldSlug.objects.create(tool=tool, slug="code-llama-old")
    answers = [
        get(f"/tools/{reference}")[1] for reference in (tool.pk, tool.slug, "code-llama-old")
    ]
    assert [answer["id"] for answer in answers] == [tool.pk] * 3
    assert {answer["slug"] for answer in answers} == {"code-llama-4"}


@pytest.mark.parametrize("reference", ["hidden-draft", "nobody", "99999999", "a/b", "ÄÖ"])
def test_drafts_and_unknown_tools_are_404s_in_json(catalogue, reference):
    response, body = get(f"/tools/{reference}")
    assert response.status_code == 404
    assert body == {"detail": "No published tool has that id or slug."}


def test_paging_with_next_visits_every_published_tool_once_and_no_draft(catalogue):
    for index in range(7):
        ToolFactory(name=f"Extra {index}", slug=f"extra-{index}")
    seen, url, pages = [], f"{API}/tools?limit=3", 0
    while url:
        body = Client().get(url.removeprefix(settings.SITE_URL)).json()
        seen += [tool["slug"] for tool in body["items"]]
        url, pages = body["next"], pages + 1
    published = list(Tool.objects.published().order_by("pk").values_list("slug", flat=True))
    assert seen == published and len(seen) == 12 and pages == 4
    assert "hidden-draft" not in seen


def test_a_tool_published_while_paging_is_never_seen_twice(catalogue):
    _, first = get("/tools", limit=2)
    ToolFactory(name="Newcomer", slug="newcomer")
    rest, url = [], first["next"]
    while url:
        body = Client().get(url.removeprefix(settings.SITE_URL)).json()
        rest += [tool["slug"] for tool in body["items"]]
        url = body["next"]
    slugs = [tool["slug"] for tool in first["items"]] + rest
    assert len(slugs) == len(set(slugs)) and "newcomer" in slugs


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "developer-tools"}, {"code-llama-4", "mistral-3b"}),
        ({"verdict": "ship"}, {"code-llama-4", "mistral-3b"}),
        ({"open_weights": "true"}, {"lab-mini"}),
        ({"tool_calling": "true", "max_price": "1"}, {"lab-fast", "lab-mini"}),
        ({"min_context": "128k", "max_price": "1"}, {"lab-fast"}),
        ({"category": "no-such-category"}, set()),
    ],
)
def test_the_directorys_filters_narrow_the_list(catalogue, params, expected):
    response, body = get("/tools", **params)
    assert response.status_code == 200
    assert {tool["slug"] for tool in body["items"]} == expected
    assert body["next"] is None


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "101"},
        {"verdict": "maybe"},
        {"cursor": "-1"},
        {"min_context": "7"},
    ],
)
def test_parameters_of_the_wrong_shape_are_422s_naming_the_parameter(catalogue, params):
    response, body = get("/tools", **params)
    assert response.status_code == 422
    assert body["detail"][0]["loc"] == ["query", next(iter(params))]


def test_a_comparison_states_the_pages_pick_and_its_rule(catalogue):
    response = Client().get(f"{API}/compare?tools=lab-mini&tools=lab-fast")
    body = response.json()
    assert [tool["slug"] for tool in body["tools"]] == ["lab-fast", "lab-mini"]
    assert body["pick"]["by"] == "numbers"
    assert body["pick"]["headline"] == "By the numbers: it depends on the job"
    assert {use["pick"] for use in body["uses"]} >= {"lab-fast", "lab-mini"}
    assert body["uses"] and all(use["sentence"] for use in body["uses"])
    assert body["url"] == f"{settings.SITE_URL}/compare/lab-fast-vs-lab-mini/"
    page = unescape(Client().get("/compare/lab-fast-vs-lab-mini/").content.decode())
    assert body["pick"]["headline"] in page
    for use in body["uses"]:  # the page's own sentences, one source of truth
        assert use["sentence"] in page and use["use"] in page


def test_a_reviewed_comparison_states_the_panels_pick(catalogue):
    body = Client().get(f"{API}/compare?tools=code-llama-4&tools=mistral-3b").json()
    assert body["pick"]["by"] == "panel"
    assert body["pick"]["headline"].startswith("Panel pick")


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("tools=lab-fast", 422),
        ("tools=a&tools=b&tools=c&tools=d&tools=e", 422),
        ("tools=lab-fast&tools=hidden-draft", 404),
        ("tools=lab-fast&tools=nobody", 404),
        ("tools=code-llama-4&tools={pk}", 409),
        ("", 422),
    ],
)
def test_a_comparison_that_cannot_be_made_says_why(catalogue, query, status):
    response = Client().get(f"{API}/compare?" + query.format(pk=catalogue[0].pk))
    assert response.status_code == status
    assert response.json()["detail"]


def test_categories_and_critics(catalogue):
    _, categories = get("/categories")
    counts = {category["slug"]: category["tools"] for category in categories}
    assert counts["developer-tools"] == 2  # the draft is not counted
    _, critics = get("/critics")
    assert {critic["slug"] for critic in critics} >= {"builder"}


@pytest.mark.parametrize(
    "path", ["/tools", "/tools/lab-fast", "/compare?tools=lab-fast&tools=lab-mini", "/categories"]
)
def test_answers_are_cacheable_revalidate_and_open_to_any_origin(catalogue, path):
    first = Client().get(API + path, HTTP_ORIGIN="https://elsewhere.example")
    assert first["Access-Control-Allow-Origin"] == "*"
    assert first["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    assert first["Surrogate-Key"] and "tally" not in first["Surrogate-Key"]
    again = Client().get(API + path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_a_changed_verdict_changes_the_answer_and_its_etag(catalogue):
    first = Client().get(f"{API}/tools/code-llama-4")
    for review in Review.objects.filter(tool=catalogue[0]):
        review.score, review.verdict = 20, "skip"
        review.save()
    again = Client().get(f"{API}/tools/code-llama-4", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again.json()["panel"]["verdict"] == "skip"
    assert f"tool-{catalogue[0].pk}" in first["Surrogate-Key"].split()


def test_hostile_input_is_refused_in_json(catalogue):
    response = Client().get(f"{API}/tools?category=%00")
    assert response.status_code == 400
    assert response.json() == {"detail": "That address contains a character we never use."}


def test_the_documentation_page_says_how_to_page_and_the_terms(catalogue):
    html = Client().get("/api/").content.decode()
    for words in (
        "/api/v1/openapi.json",
        "next",
        "attribution",
        "If-None-Match",
        "id</code> never",
    ):
        assert words in html, words
    schema = Client().get(f"{API}/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert {"/api/v1/tools", "/api/v1/compare", "/api/v1/tools/{tool}"} <= set(schema["paths"])


API_BUDGETS = {  # measured: the same at 9 tools
    "/tools?limit=100": 1,
    "/tools?limit=100&verdict=ship&category=developer-tools": 1,
    "/tools/lab-fast": 1,
    "/tools/code-llama-old": 2,
    "/compare?tools=lab-fast&tools=lab-mini": 7,
    "/categories": 1,
    "/critics": 1,
}


def test_at_5000_tools_each_resource_keeps_its_query_budget(panel, catalogue, developer_tools):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.core.test_query_budgets_at_scale import categories, grow

    OldSlug.objects.create(tool=catalogue[0], slug="code-llama-old")
    Tool.objects.filter(status="draft").delete()  # `grow` counts every tool as published
    grow(panel, categories(developer_tools), tools=5000, votes=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for path, budget in API_BUDGETS.items():
        with CaptureQueriesContext(connection) as captured:
            response = Client().get(API + path)
        assert response.status_code == 200, (path, response.content[:300])
        sqls = "\n".join(query["sql"] for query in captured.captured_queries)
        assert len(captured) <= budget, f"{path}: {len(captured)} queries\n{sqls}"
    page = Client().get(API + "/tools?limit=100").json()
    assert len(page["items"]) == 100 and page["next"]


@pytest.mark.parametrize("path", ["/api/v1/tools/a%0Ab", "/api/v1/nothing", "/api/v2/tools"])
def test_an_address_the_api_does_not_have_is_a_404_in_json(path):
    response = Client().get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_a_list_is_kept_and_an_editors_change_shows_in_it_at_once(
    catalogue, django_assert_num_queries
):
    Client().get(f"{API}/tools")
    with django_assert_num_queries(0):  # kept: no query at all
        assert Client().get(f"{API}/tools").status_code == 200
    for review in Review.objects.filter(tool=catalogue[0]):
        review.score, review.verdict = 20, "skip"
        review.save()
    listed = {tool["slug"]: tool for tool in Client().get(f"{API}/tools").json()["items"]}
    assert listed["code-llama-4"]["panel"]["verdict"] == "skip"
    tool = catalogue[2]
    tool.status = "draft"
    tool.save()
    listed = {tool["slug"] for tool in Client().get(f"{API}/tools").json()["items"]}
    assert tool.slug not in listed


@pytest.fixture
def tight_api_limit(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": {"ip": "3/h"}}


@pytest.mark.parametrize("path", ["/tools", "/tools/lab-fast", "/critics"])
def test_each_address_has_a_limit_said_in_headers_then_a_429(catalogue, tight_api_limit, path):
    client = Client(REMOTE_ADDR="198.51.100.7")
    remaining = []
    for _ in range(3):
        response = client.get(API + path)
        assert response.status_code == 200
        assert response["RateLimit-Limit"] == "3"
        remaining.append(response["RateLimit-Remaining"])
        assert 0 < int(response["RateLimit-Reset"]) <= 3600
    assert remaining == ["2", "1", "0"]
    refused = client.get(API + path)
    assert refused.status_code == 429
    assert refused.json() == {"detail": "Too many requests."}
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert refused["Cache-Control"] == "no-store"
    assert "Retry-After" in refused["Access-Control-Expose-Headers"]
    # Another address is counted on its own; a forged forwarded address is not another.
    assert Client(REMOTE_ADDR="198.51.100.8").get(API + path).status_code == 200
    forged = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert forged.get(API + path).status_code == 429


def test_the_api_stays_open_when_its_counters_cannot_be_reached(catalogue, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr("api.views.get_usage", broken)
    response = Client().get(f"{API}/tools/lab-fast")
    assert response.status_code == 200 and "RateLimit-Limit" not in response
