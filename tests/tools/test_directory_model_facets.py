"""The directory's model facets and sorts: open weights, context, output price, input
modality, tool calling; shown only when published tools have model facts."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from modelspecs.models import ModelSpec
from tests.factories import ToolFactory
from tests.tools.test_directory import names
from tools.directory import DirectoryQuery

pytestmark = pytest.mark.django_db


def model(name: str, **facts) -> ModelSpec:
    slug = name.lower().replace(" ", "-")
    values = {"input_modalities": ["text"], "source": "models.dev snapshot 1.0.398", **facts}
    tool = ToolFactory(name=name, slug=slug)
    return ModelSpec.objects.create(tool=tool, provider="lab", model_id=slug, **values)


@pytest.fixture
def models():
    ToolFactory(name="Alpha Tool", slug="alpha-tool")  # not a model: no facts at all
    return {
        "cheap": model(
            "Cheap",
            output_price=Decimal("0.6"),
            context_window=128_000,
            input_modalities=["text", "image"],
            tool_calling=True,
        ),
        "open": model("Open", output_price=Decimal("2"), context_window=32_768, open_weights=True),
        "big": model(
            "Big",
            output_price=Decimal("10"),
            context_window=1_048_576,
            input_modalities=["text", "image", "audio", "video", "pdf"],
            tool_calling=True,
        ),
        "unpriced": model("Unpriced", open_weights=True),
        "pricey": model(
            "Pricey",
            output_price=Decimal("60"),
            context_window=200_000,
            input_modalities=["text", "image"],
            tool_calling=True,
        ),
    }


ALL = ["Alpha Tool", "Big", "Cheap", "Open", "Pricey", "Unpriced"]


@pytest.mark.parametrize(
    "params,expected",
    [
        ({}, ALL),
        ({"open_weights": "yes"}, ["Open", "Unpriced"]),
        ({"min_context": "32k"}, ["Big", "Cheap", "Open", "Pricey"]),
        ({"min_context": "128k"}, ["Big", "Cheap", "Pricey"]),
        ({"min_context": "200k"}, ["Big", "Pricey"]),
        ({"min_context": "1m"}, ["Big"]),
        ({"max_price": "1"}, ["Cheap"]),
        ({"max_price": "5"}, ["Cheap", "Open"]),
        ({"max_price": "15"}, ["Big", "Cheap", "Open"]),
        ({"max_price": "50"}, ["Big", "Cheap", "Open"]),
        ({"modality": "image"}, ["Big", "Cheap", "Pricey"]),
        ({"modality": "audio"}, ["Big"]),
        ({"tool_calling": "yes"}, ["Big", "Cheap", "Pricey"]),
        ({"sort": "price"}, ["Cheap", "Open", "Big", "Pricey", "Alpha Tool", "Unpriced"]),
        ({"sort": "context"}, ["Big", "Pricey", "Cheap", "Open", "Alpha Tool", "Unpriced"]),
        ({"tool_calling": "yes", "max_price": "15", "sort": "price"}, ["Cheap", "Big"]),
        ({"open_weights": "yes", "sort": "context"}, ["Open", "Unpriced"]),
        ({"modality": "pdf", "open_weights": "yes"}, []),
    ],
)
def test_each_facet_and_sort_narrows_and_orders_the_tools(client, models, params, expected):
    response = client.get("/tools/", params)
    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"min_context": "7"},
        {"max_price": "-1"},
        {"max_price": "1e9"},
        {"modality": "smell"},
        {"modality": "<b>"},
        {"modality": "x" * 500},
        {"open_weights": "no"},
        {"tool_calling": "'; drop"},
        {"sort": "cost"},
    ],
)
def test_bad_values_are_ignored_not_errors(client, models, params):
    response = client.get("/tools/", params)
    assert response.status_code == 200
    assert names(response) == ALL


@pytest.mark.parametrize(
    "params,stored",
    [({"modality": "image"}, True), ({"modality": "smell"}, False)],
)
def test_a_modality_no_model_has_is_answered_but_not_cached(client, models, params, stored):
    assert client.get("/tools/", params).status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert client.get("/tools/", params).status_code == 200
    assert (len(again) == 0) == stored


def test_the_shareable_url_reproduces_the_form_and_the_pager_keeps_it(client, models):
    params = {
        "open_weights": "yes",
        "min_context": "32k",
        "max_price": "5",
        "modality": "text",
        "tool_calling": "yes",
        "sort": "price",
    }
    page = client.get("/tools/", params).content.decode()
    assert '<details class="model-facets" open>' in page
    assert '<option value="32k" selected>' in page
    assert '<option value="5" selected>' in page
    assert '<option value="text" selected>' in page
    assert '<option value="price" selected>' in page
    assert 'name="open_weights" value="yes" checked' in page
    assert 'name="tool_calling" value="yes" checked' in page
    query = DirectoryQuery.from_params(
        QueryDict(client.get("/tools/", params).request["QUERY_STRING"])
    )
    link = QueryDict(query.link(2))
    assert link["page"] == "2"
    assert DirectoryQuery.from_params(link) == query
    assert query.is_filtered and query.is_model_filtered


def test_cards_show_the_output_price_and_context(client, models):
    page = client.get("/tools/", {"sort": "price"}).content.decode()
    assert "$0.60 per 1M output tokens · 128K context" in page
    assert "1.05M context" in page


def test_a_site_without_published_model_facts_looks_unchanged(client, db):
    ToolFactory(name="Beta", slug="beta")
    ToolFactory(name="Alpha", slug="alpha")
    draft = ToolFactory(name="Draft model", slug="draft-model", status="draft")
    ModelSpec.objects.create(tool=draft, provider="lab", model_id="draft", source="test")
    page = client.get("/tools/").content.decode()
    assert "Model facts" not in page
    assert 'value="price"' not in page
    assert "per 1M output tokens" not in page
    # A model sort on a site without models is the default order, and not cached.
    assert names(client.get("/tools/", {"sort": "context", "min_context": "1m"})) == [
        "Alpha",
        "Beta",
    ]
    with CaptureQueriesContext(connection) as again:
        client.get("/tools/", {"sort": "context", "min_context": "1m"})
    assert len(again) > 0


def test_a_price_change_reorders_the_cached_directory(
    client, models, django_capture_on_commit_callbacks
):
    assert names(client.get("/tools/", {"sort": "price"}))[0] == "Cheap"
    spec = models["open"]
    spec.output_price = Decimal("0.1")
    with django_capture_on_commit_callbacks(execute=True):
        spec.save()
    assert names(client.get("/tools/", {"sort": "price"}))[0] == "Open"


def test_queries_with_model_facets_do_not_grow_with_the_catalogue(
    client, django_assert_max_num_queries
):
    params = {"tool_calling": "yes", "min_context": "32k", "max_price": "50", "sort": "price"}
    facts = {"output_price": Decimal("3"), "context_window": 64_000, "tool_calling": True}
    for index in range(3):
        model(f"Model {index}", **facts)
    cache.clear()  # measure building the page, not serving it from the cache
    with django_assert_max_num_queries(4) as few:
        assert len(names(client.get("/tools/", params))) == 3
    for index in range(3, 50):
        model(f"Model {index}", **facts)
    cache.clear()
    with django_assert_max_num_queries(4) as many:
        assert len(names(client.get("/tools/", params))) == 24
    assert len(few.captured_queries) == len(many.captured_queries)
