"""The cost calculator: Decimal arithmetic on known prices, the form's errors, the page and its
htmx fragment."""

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.cache import cache
from hypothesis import given
from hypothesis import strategies as st

from modelspecs.costs import (
    CostForm,
    TokenCountError,
    compact_tokens,
    estimate_costs,
    monthly_cost,
    parse_tokens,
)
from modelspecs.models import ModelSpec, Use
from tests.factories import ToolFactory

pytestmark = pytest.mark.django_db


def cost(input_tokens: int, output_tokens: int, input_price: str, output_price: str) -> Decimal:
    return monthly_cost(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        input_price=Decimal(input_price),
        output_price=Decimal(output_price),
    )


def test_it_prices_tokens_per_million():
    assert cost(1_000_000, 1_000_000, "2.5", "10") == Decimal("12.50")
    assert cost(1_000_000_000, 300_000_000, "3", "15") == Decimal("7500.00")


def test_zero_tokens_cost_nothing():
    assert cost(0, 0, "2.5", "10") == Decimal("0.00")


def test_it_rounds_to_the_cent_halves_up_without_float_error():
    assert cost(1, 0, "5000", "0") == Decimal("0.01")  # 0.005 -> 0.01
    assert cost(3, 0, "100000", "0") == Decimal("0.30")  # a float would give 0.30000000000000004
    assert cost(1, 0, "4999", "0") == Decimal("0.00")


def test_huge_counts_stay_exact():
    trillion = 1_000_000_000_000
    assert cost(trillion, trillion, "0.075", "180") == Decimal("180075000.00")


def form(**data) -> CostForm:
    found = CostForm(data)
    found.is_valid()
    return found


def test_a_typical_use_fills_the_token_counts_and_the_boxes():
    chat = Use.objects.get(slug="chat")
    found = form(preset="chat")
    assert found.traffic() == {
        "input_tokens": chat.input_tokens,
        "output_tokens": chat.output_tokens,
    }
    assert (found.shown_input, found.shown_output) == ("1B", "300M")


def test_typed_counts_win_over_the_use_and_may_have_separators():
    found = form(preset="chat", input_tokens="1,000,000", output_tokens="2_000")
    assert found.traffic() == {"input_tokens": 1_000_000, "output_tokens": 2000}
    assert found.shown_preset() == ""  # the visitor's own numbers now


def test_asking_for_the_use_replaces_what_was_typed():
    """Choosing a typical use after typing counts fills the boxes with its own (with JS the
    list sends apply=use; without, the button beside it does)."""
    agent = Use.objects.get(slug="agent")
    found = form(preset="agent", input_tokens="7", output_tokens="9", apply="use")
    assert found.traffic() == {
        "input_tokens": agent.input_tokens,
        "output_tokens": agent.output_tokens,
    }
    assert (found.shown_input, found.shown_output, found.shown_preset()) == (
        "500M",
        "50M",
        "agent",
    )


def test_asking_for_the_use_replaces_even_counts_it_could_not_read():
    found = form(preset="chat", input_tokens="zz", output_tokens="-4", apply="use")
    assert found.errors == {}
    assert (found.shown_input, found.shown_output) == ("1B", "300M")


@pytest.mark.parametrize(
    ("typed", "count"),
    [
        ("50M", 50_000_000),
        ("50m", 50_000_000),
        (" 50 M ", 50_000_000),
        ("1.5 million", 1_500_000),
        ("1.5 Million", 1_500_000),
        ("200k", 200_000),
        ("200K", 200_000),
        ("2,000,000", 2_000_000),
        ("2 000 000", 2_000_000),
        ("1_000", 1000),
        ("2000000", 2_000_000),
        ("0", 0),
        ("2B", 2_000_000_000),
        ("1.25 billion", 1_250_000_000),
        ("3 thousand", 3000),
        ("0.5M", 500_000),
    ],
)
def test_token_counts_are_read_as_people_write_them(typed, count):
    assert parse_tokens(typed) == count
    assert form(input_tokens=typed).traffic()["input_tokens"] == count


@pytest.mark.parametrize(
    "typed",
    [
        "lots",
        "1.5",
        "1.2345678M",
        "5 apples",
        "1e9",
        "0x10",
        "M",
        "1..5M",
        "½M",
        "1,5M,",
        "1,5M",
        "12,34",
        "--1",
    ],
)
def test_other_text_is_not_a_token_count(typed):
    with pytest.raises(TokenCountError):
        parse_tokens(typed)


@given(count=st.integers(min_value=0, max_value=10**12))
def test_what_the_boxes_show_reads_back_exactly(count):
    assert parse_tokens(compact_tokens(count)) == count


@given(
    whole=st.integers(min_value=0, max_value=10**6),
    places=st.integers(min_value=0, max_value=6),
    suffix=st.sampled_from(["", "k", "K", "m", "M", " million", "b", " billion", " thousand"]),
)
def test_the_parser_is_exact_arithmetic(whole, places, suffix):
    digits = str(whole)
    text = digits if places == 0 else digits[: -places or None] + "." + digits[-places:]
    text = text if not text.startswith(".") else "0" + text
    exact = (
        Fraction(text)
        * {
            "": 1,
            "k": 10**3,
            "K": 10**3,
            "m": 10**6,
            "M": 10**6,
            " million": 10**6,
            " thousand": 10**3,
            "b": 10**9,
            " billion": 10**9,
        }[suffix]
    )
    if exact.denominator == 1:
        assert parse_tokens(text + suffix) == exact
    else:
        with pytest.raises(TokenCountError):
            parse_tokens(text + suffix)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"input_tokens": "-5"}, "Input tokens a month cannot be negative."),
        ({"input_tokens": "lots"}, "Input tokens a month: enter a number of tokens, like 50M"),
        ({"output_tokens": "1.5"}, "Output tokens a month: enter a number of tokens, like 50M"),
        ({"output_tokens": "9" * 40}, "Output tokens a month: at most 1,000,000,000,000"),
        ({"preset": "everything"}, "Pick a typical use from the list."),
        ({"preset": ""}, "Pick a typical use or enter your token counts."),
    ],
)
def test_bad_input_gets_a_clear_error(data, message):
    errors = [error for errors in form(**data).errors.values() for error in errors]
    assert any(error.startswith(message) for error in errors), errors


def model(slug: str, input_price: str, output_price: str, **fields):
    tool = ToolFactory(slug=slug, name=slug.replace("-", " ").title(), **fields)
    ModelSpec.objects.create(
        tool=tool,
        provider="lab",
        model_id=slug,
        input_price=Decimal(input_price),
        output_price=Decimal(output_price),
        source="models.dev snapshot test",
    )
    return tool


@pytest.fixture
def two_models(db):
    return model("big-model", "3", "15"), model("small-model", "0.4", "1.6")


def test_the_estimate_sorts_by_cost_marks_the_cheaper_one_and_says_by_how_much(two_models):
    estimate = estimate_costs(list(two_models), input_tokens=1_000_000, output_tokens=1_000_000)
    assert [
        (item.dollars, item.is_cheapest, item.more, item.more_percent) for item in estimate.costs
    ] == [
        (Decimal("2.00"), True, None, None),
        (Decimal("18.00"), False, Decimal("16.00"), 800),
    ]
    assert (
        estimate.summary == "Small Model is cheaper: $16.00 a month less than Big Model (89% less)."
    )


def test_equal_costs_mark_no_side(two_models):
    estimate = estimate_costs(list(two_models), input_tokens=0, output_tokens=0)
    assert not any(item.is_cheapest for item in estimate.costs)
    assert estimate.summary == "They cost the same for this traffic."


COST_URL = "/compare/big-model-vs-small-model/cost/"


def test_the_page_works_without_js(client, two_models):
    response = client.get(COST_URL, {"input_tokens": "1000000", "output_tokens": "1000000"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<!DOCTYPE html>" in content or "<html" in content
    assert "Big Model: <strong>$18.00</strong> a month" in content
    assert (
        'Small Model: <strong>$2.00</strong> a month <span class="edge">▲ Cheaper</span>' in content
    )
    assert "$16.00 a month less than Big Model (89% less)" in content
    assert "csrfmiddlewaretoken" not in content


def test_htmx_gets_just_the_result(client, two_models):
    response = client.get(COST_URL, {"preset": "chat"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="calculator"')  # boxes filled, and the result
    assert 'value="1B"' in content and 'value="300M"' in content
    assert "<html" not in content
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    "query",
    [
        {"input_tokens": "-1"},
        {"input_tokens": "abc", "output_tokens": "1e9"},
        {"output_tokens": "9" * 5000},
        {"preset": "<script>"},
        {"input_tokens": "0x10"},
    ],
)
def test_bad_input_gets_a_400_with_the_error_never_a_500(client, two_models, query):
    response = client.get(COST_URL, query)
    assert response.status_code == 400
    assert 'class="form-error"' in response.content.decode()


def test_htmx_gets_its_errors_in_place(client, two_models):
    response = client.get(COST_URL, {"input_tokens": "-1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert "cannot be negative" in response.content.decode()


def test_without_parameters_it_shows_the_empty_form(client, two_models):
    response = client.get(COST_URL)
    assert response.status_code == 200
    assert 'name="input_tokens"' in response.content.decode()


def test_a_tool_without_prices_or_unknown_is_a_404(client, two_models):
    ToolFactory(slug="not-a-model")
    ToolFactory(slug="other-tool")
    assert client.get("/compare/not-a-model-vs-other-tool/cost/?preset=chat").status_code == 404
    assert client.get("/compare/big-model-vs-nothing/cost/?preset=chat").status_code == 404
    assert client.get("/compare/nonsense/cost/").status_code == 404


def test_a_draft_model_has_no_calculator(client, two_models):
    model("draft-model", "1", "1", status="draft")
    assert client.get("/tools/draft-model/cost/?preset=chat").status_code == 404


def test_the_tool_page_calculator(client, two_models):
    response = client.get("/tools/small-model/cost/", {"preset": "docs"})
    assert response.status_code == 200
    assert "Small Model: <strong>$224.00</strong> a month" in response.content.decode()


def test_the_compare_and_tool_pages_carry_the_form_and_stay_cached(
    client, two_models, django_assert_max_num_queries
):
    cache.clear()
    for url in ("/compare/big-model-vs-small-model/", "/tools/big-model/"):
        content = client.get(url).content.decode()
        assert re.search(r'<form [^>]*hx-get="[^"]+/cost/"[^>]*hx-target="#calculator"', content)
        assert '<option value="chat">Chat app, 1M messages a month</option>' in content
        with django_assert_max_num_queries(0):
            assert client.get(url).status_code == 200


@given(
    input_tokens=st.integers(min_value=0, max_value=10**12),
    output_tokens=st.integers(min_value=0, max_value=10**12),
    input_price=st.decimals(min_value=0, max_value=1000, places=6),
    output_price=st.decimals(min_value=0, max_value=1000, places=6),
)
def test_the_cost_is_the_exact_bill_rounded_to_the_nearest_cent(
    input_tokens, output_tokens, input_price, output_price
):
    found = monthly_cost(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        input_price=input_price,
        output_price=output_price,
    )
    exact = (Fraction(input_tokens) * Fraction(input_price)) / 10**6 + (
        Fraction(output_tokens) * Fraction(output_price)
    ) / 10**6
    assert found.as_tuple().exponent == -2
    assert abs(Fraction(found) - exact) <= Fraction(1, 200)  # at most half a cent off
