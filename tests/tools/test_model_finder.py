"""The model finder (/models/): filters, sorts, the monthly-cost column for the visitor's volume,
the answer sentence, at most four to compare, and bad input."""

import re

import pytest
from django.core.cache import cache

from tests.factories import ToolFactory
from tests.modelspecs.test_pick_by_the_numbers import model
from tests.tools.test_compare_page import text_of

pytestmark = pytest.mark.django_db

URL = "/models/"


@pytest.fixture
def catalogue():
    """Five models that differ in what decides a job, and a tool that is not a model."""
    ToolFactory(slug="cursor", name="Cursor")
    return {
        "sonnet": model("Claude Sonnet", "3", "15", context_window=1_000_000),
        "gpt": model("GPT Big", "5", "30", context_window=1_050_000, reasoning=True),
        "flash": model("Flash Cheap", "0.3", "2.5", context_window=1_048_576),
        "small": model("Small Ctx", "0.1", "0.4", context_window=128_000),
        "notools": model("No Tools", "0.2", "0.8", tool_calling=False),
        "free": model("Llama Zero", "0", "0", context_window=128_000),
    }


def names(response) -> list[str]:
    content = response.content.decode()
    if "<tbody>" not in content:
        return []
    body = content[content.index("<tbody>") : content.index("</tbody>")]
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', body)


def test_it_lists_every_published_model_and_no_other_tool(client, catalogue):
    listed = names(client.get(URL))
    assert sorted(listed) == sorted(tool.name for tool in catalogue.values())
    assert "Cursor" not in listed


def test_the_default_sort_is_the_blended_price_with_unpriced_models_last(client, catalogue):
    # Blended (3 input : 1 output): small 0.175, notools 0.35, flash 0.85, sonnet 6, gpt 11.25.
    assert names(client.get(URL)) == [
        "Small Ctx",
        "No Tools",
        "Flash Cheap",
        "Claude Sonnet",
        "GPT Big",
        "Llama Zero",
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"tool_calling": "yes"},
            ["Small Ctx", "Flash Cheap", "Claude Sonnet", "GPT Big", "Llama Zero"],
        ),
        ({"reasoning": "yes"}, ["GPT Big"]),
        ({"min_context": "200K"}, ["No Tools", "Flash Cheap", "Claude Sonnet", "GPT Big"]),
        ({"min_context": "1.05M"}, ["GPT Big"]),
        ({"max_output": "15"}, ["Small Ctx", "No Tools", "Flash Cheap", "Claude Sonnet"]),
        ({"max_output": "$2.50", "min_context": "1m"}, ["No Tools", "Flash Cheap"]),
        (
            {"reads": "image"},
            ["Small Ctx", "No Tools", "Flash Cheap", "Claude Sonnet", "GPT Big", "Llama Zero"],
        ),
        ({"reads": "audio"}, []),
        (
            {"sort": "context"},
            ["GPT Big", "Flash Cheap", "Claude Sonnet", "No Tools", "Llama Zero", "Small Ctx"],
        ),
        (
            {"sort": "name"},
            ["Claude Sonnet", "Flash Cheap", "GPT Big", "Llama Zero", "No Tools", "Small Ctx"],
        ),
    ],
)
def test_filters_and_sorts(client, catalogue, params, expected):
    assert names(client.get(URL, params)) == expected


def test_the_visitors_volume_adds_a_cost_column_sorted_cheapest_first(client, catalogue):
    response = client.get(
        URL,
        {
            "tool_calling": "yes",
            "min_context": "200K",
            "max_output": "15",
            "input_tokens": "50M",
            "output_tokens": "10M",
        },
    )
    # 50M in + 10M out: flash 15 + 25 = $40; sonnet 150 + 150 = $300.
    assert names(response) == ["Flash Cheap", "Claude Sonnet"]
    text = text_of(response)
    assert (
        "For your job (tool calling, 200K+ context, output under $15, 50M input + 10M output "
        "tokens a month): Flash Cheap, $40 a month; next, Claude Sonnet at $300, 650% more." in text
    )
    assert "$40 $0.30 / $2.50" in text  # the month's cost, then the prices it comes from


def test_costs_within_one_percent_are_said_to_tie(client, catalogue):
    model("Flash Twin", "0.3", "2.51", context_window=1_048_576)
    text = text_of(
        client.get(
            URL,
            {
                "tool_calling": "yes",
                "min_context": "1M",
                "max_output": "3",
                "input_tokens": "1M",
                "output_tokens": "1M",
            },
        )
    )
    assert (
        "a tie between Flash Cheap ($2.80) and Flash Twin ($2.81), within 1% of each other." in text
    )


def test_an_unpriced_model_shows_no_cost_and_never_tops_the_cost_sort(client, catalogue):
    response = client.get(URL, {"input_tokens": "1M", "output_tokens": "1M"})
    assert names(response)[-1] == "Llama Zero"
    content = response.content.decode()
    last_row = content[content.rindex("<tr>", 0, content.index("</tbody>")) :]
    assert "No published price" in last_row and "Not published" in last_row


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"min_context": "lots"}, "Minimum context: a number of tokens"),
        ({"max_output": "cheap"}, "Highest output price: dollars"),
        ({"max_output": "NaN"}, "Highest output price: dollars"),
        ({"max_output": "-3"}, "Highest output price: dollars"),
        ({"input_tokens": "1,5M"}, "Input tokens a month: like 50M"),
        ({"output_tokens": "9" * 400}, "Output tokens a month: like 10M"),
        ({"min_context": "1e400"}, "Minimum context: a number of tokens"),
    ],
)
def test_a_value_it_cannot_read_is_named_and_left_out_never_a_500(
    client, catalogue, params, message
):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert message in text_of(response)
    assert len(names(response)) == 6  # the filter was left out, the rest applies


def test_hostile_values_never_break_it(client, catalogue):
    for value in ["' OR 1=1 --", "<script>", "%", "1" * 5000, "٣M", "∞", "1e5", "0x10"]:
        for name in ("min_context", "max_output", "input_tokens", "sort", "reads", "tool_calling"):
            response = client.get(URL, {name: value})
            assert response.status_code == 200
            assert "<script>" not in response.content.decode().split("<body")[1]
    assert client.get(URL, {"min_context": "\x00"}).status_code == 400  # refused before the view


def test_compare_up_to_four_keeps_the_volume_and_five_are_refused(client, catalogue):
    slugs = ["claude-sonnet", "gpt-big", "flash-cheap", "small-ctx"]
    response = client.get("/compare/", {"t": slugs, "input_tokens": "50M", "output_tokens": "10M"})
    assert response.status_code == 302
    assert response["Location"] == (
        "/compare/claude-sonnet-vs-flash-cheap-vs-gpt-big-vs-small-ctx/cost/"
        "?input_tokens=50M&output_tokens=10M"
    )
    page = client.get(response["Location"])
    assert "The pick for this traffic: Small Ctx, $9 a month" in text_of(page)
    five = client.get("/compare/", {"t": [*slugs, "no-tools"]})
    assert five.status_code == 400
    assert "A comparison holds at most 4 tools." in text_of(five)


def test_the_cheapest_four_link_leads_to_their_costs(client, catalogue):
    response = client.get(
        URL, {"tool_calling": "yes", "input_tokens": "50M", "output_tokens": "10M"}
    )
    link = re.search(r'href="(/compare/[^"]+)">Compare the 4 cheapest', response.content.decode())
    # The four cheapest with a published price (Llama Zero's $0/$0 is none), at the volume.
    assert link.group(1).replace("&amp;", "&") == (
        "/compare/claude-sonnet-vs-flash-cheap-vs-gpt-big-vs-small-ctx/cost/"
        "?input_tokens=50M&output_tokens=10M"
    )


def test_the_forms_compare_button_goes_straight_to_the_cheapest_at_that_volume(client, catalogue):
    """Home -> a job -> two volumes -> "Compare the 4 cheapest": the comparison, pick named."""
    response = client.get(
        URL,
        {
            "tool_calling": "yes",
            "min_context": "200K",
            "input_tokens": "50M",
            "output_tokens": "10M",
            "go": "compare",
        },
    )
    assert response.status_code == 302
    # 200K+ with tool calling and a price: Flash Cheap ($40), Claude Sonnet ($300), GPT Big.
    assert response["Location"] == (
        "/compare/claude-sonnet-vs-flash-cheap-vs-gpt-big/cost/?input_tokens=50M&output_tokens=10M"
    )
    page = client.get(response["Location"])
    assert "The pick for this traffic: Flash Cheap, $40 a month" in text_of(page)
    # Without a volume, the comparison page itself; a value it could not read stays on the form.
    plain = client.get(URL, {"min_context": "1M", "go": "compare"})
    assert plain["Location"] == "/compare/claude-sonnet-vs-flash-cheap-vs-gpt-big-vs-no-tools/"
    assert client.get(URL, {"min_context": "lots", "go": "compare"}).status_code == 200


def test_the_job_links_on_home_and_the_finder_fill_the_use(client, catalogue):
    home = client.get("/").content.decode()
    link = re.search(r'href="(/models/\?[^"]+)">Coding agent</a>', home)
    assert link
    url = link.group(1).replace("&amp;", "&")
    assert "tool_calling=yes" in url and "min_context=200K" in url and "input_tokens=500M" in url
    text = text_of(client.get(url))
    # 500M in + 50M out, tool calling, 200K+: flash 150 + 125 = $275; sonnet 1500 + 750 = $2,250.
    assert "Flash Cheap, $275 a month; next, Claude Sonnet at $2,250" in text


def test_plain_addresses_are_kept_and_volume_ones_are_not(
    client, catalogue, django_assert_max_num_queries
):
    cache.clear()
    client.get(URL, {"tool_calling": "yes"})
    with django_assert_max_num_queries(0):
        assert client.get(URL, {"tool_calling": "yes"}).status_code == 200
    client.get(URL, {"input_tokens": "5M"})
    with django_assert_max_num_queries(8) as captured:
        client.get(URL, {"input_tokens": "5M"})
    assert len(captured.captured_queries) > 0  # worked out afresh


def test_it_answers_within_the_directory_budget(client, catalogue, django_assert_max_num_queries):
    cache.clear()
    with django_assert_max_num_queries(6):
        assert (
            client.get(URL, {"tool_calling": "yes", "input_tokens": "50M", "page": "1"}).status_code
            == 200
        )
