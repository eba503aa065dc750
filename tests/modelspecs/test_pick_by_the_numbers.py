"""The pick by the numbers (modelspecs/picks.py): sentences from real rows, the tie rule, models
that do not qualify or have no price, 3- and 4-way, and the panel agreeing or not."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from modelspecs.models import ModelSpec, Use
from modelspecs.picks import is_tie, numbers_pick, pick_for_use
from tests.factories import ReviewFactory, ToolFactory
from tests.tools.test_compare_page import text_of
from tools.models import Tool

pytestmark = pytest.mark.django_db


def model(name: str, input_price, output_price, **facts) -> Tool:
    slug = name.lower().replace(" ", "-").replace(".", "-")
    tool = ToolFactory(slug=slug, name=name)
    ModelSpec.objects.create(
        tool=tool,
        provider="lab",
        model_id=slug,
        input_price=None if input_price is None else Decimal(input_price),
        output_price=None if output_price is None else Decimal(output_price),
        context_window=facts.pop("context_window", 1_000_000),
        output_limit=64_000,
        input_modalities=facts.pop("input_modalities", ["text", "image"]),
        tool_calling=facts.pop("tool_calling", True),
        source="models.dev snapshot test",
        **facts,
    )
    return Tool.objects.select_related("model_spec").get(pk=tool.pk)


@pytest.fixture
def agent():
    """The seeded coding-agent use: tool calling, 200K+ context, 500M in + 50M out a month."""
    return Use.objects.get(slug="agent")


def test_a_clear_cheaper_winner_is_named_with_its_cost_and_saving(agent):
    sonnet = model("Claude Sonnet 4.6", "3", "15")
    gpt = model("GPT-5.5", "5", "30", context_window=1_050_000)
    found = pick_for_use([gpt, sonnet], agent)
    assert found.pick == sonnet
    assert found.conditions == (
        "tool calling, 200K+ context, 500M input + 50M output tokens a month"
    )
    assert found.sentence == ("Claude Sonnet 4.6, $2,250 a month, 44% less than GPT-5.5 ($4,000).")


def test_costs_within_one_percent_are_a_tie_and_no_pick(agent):
    first = model("Model One", "3", "15")  # $2,250
    second = model("Model Two", "3.04", "15")  # $2,270: 0.88% more
    found = pick_for_use([first, second], agent)
    assert found.pick is None
    assert found.sentence == (
        "A tie: Model One ($2,250) and Model Two ($2,270) cost within 1% of each other."
    )
    third = model("Model Three", "3.05", "15.1")  # $2,280: 1.3% more than the cheapest
    assert pick_for_use([first, third], agent).pick == first


@pytest.mark.parametrize(
    ("first", "second", "tie"),
    [
        (1_050_000, 1_048_576, True),
        (1_000_000, 1_050_000, False),
        (Decimal("100"), Decimal("100.99"), True),
        (Decimal("100"), Decimal("101.1"), False),
        (0, 0, True),
        (0, 1, False),
    ],
)
def test_the_tie_rule(first, second, tie):
    assert is_tie(first, second) is tie
    assert is_tie(second, first) is tie


def test_a_model_that_misses_a_requirement_is_named_with_the_reason(agent):
    cheap_small = model("Small Context", "0.1", "0.2", context_window=128_000)
    no_tools = model("No Tools", "0.1", "0.2", tool_calling=False)
    sonnet = model("Claude Sonnet 4.6", "3", "15")
    found = pick_for_use([cheap_small, no_tools, sonnet], agent)
    assert found.pick == sonnet  # the cheaper two do not qualify
    assert found.sentence == (
        "Claude Sonnet 4.6, $2,250 a month: the only one that qualifies with a published price. "
        "Small Context does not qualify: 128K context, needs 200K. "
        "No Tools does not qualify: no tool calling."
    )


def test_none_qualifying_is_said(agent):
    found = pick_for_use(
        [model("A", "1", "1", tool_calling=False), model("B", "1", "1", context_window=8000)],
        agent,
    )
    assert found.pick is None
    assert found.sentence.startswith("None of them qualifies. A does not qualify")


@pytest.mark.parametrize(("input_price", "output_price"), [(None, None), ("0", "0")])
def test_an_unpriced_model_is_never_the_cheapest(agent, input_price, output_price):
    free_looking = model("Llama Free", input_price, output_price)
    sonnet = model("Claude Sonnet 4.6", "3", "15")
    found = pick_for_use([free_looking, sonnet], agent)
    assert found.pick == sonnet
    assert found.sentence == (
        "Claude Sonnet 4.6, $2,250 a month: the only one that qualifies with a published "
        "price. Llama Free has no published price."
    )


def test_three_and_four_way_name_the_next_cheapest(agent):
    tools = [
        model("Dear", "5", "30"),
        model("Cheap", "1", "5"),
        model("Middle", "3", "15"),
        model("Unqualified", "0.1", "0.1", tool_calling=False),
    ]
    three = pick_for_use(tools[:3], agent)
    assert three.pick.name == "Cheap"
    assert three.sentence == "Cheap, $750 a month, 67% less than the next, Middle ($2,250)."
    assert [standing.tool.name for standing in three.standings] == ["Cheap", "Middle", "Dear"]
    four = pick_for_use(tools, agent)
    assert four.sentence.endswith("Unqualified does not qualify: no tool calling.")


def test_the_headline_says_whether_every_job_picks_the_same_model():
    long_cheap = model("Long Cheap", "0.5", "0.5")
    short_cheaper = model("Short Cheaper", "0.1", "0.1", context_window=100_000)
    uses = list(Use.objects.filter(is_active=True))
    numbers = numbers_pick([long_cheap, short_cheaper], uses)
    # Chat has no context minimum: the short one is cheaper; the others need 128K and 200K.
    assert [use_pick.pick.name for use_pick in numbers.uses] == [
        "Short Cheaper",
        "Long Cheap",
        "Long Cheap",
    ]
    assert numbers.headline == "By the numbers: it depends on the job"
    assert numbers.overall is None
    alone = numbers_pick([long_cheap, model("Dearer", "5", "5")], uses)
    assert alone.headline == "By the numbers: Long Cheap"


@pytest.mark.parametrize(
    ("sizes", "line"),
    [
        ((1_050_000, 1_000_000), "Largest context: First (1.05M tokens)."),
        ((1_050_000, 1_048_576), "Context: about the same for First and Second (1.05M tokens)."),
        ((128_000, 200_000), "Largest context: Second (200K tokens)."),
    ],
)
def test_the_context_line_uses_the_tie_rule(sizes, line):
    tools = [
        model(name, "1", "1", context_window=size)
        for name, size in zip(("First", "Second"), sizes, strict=True)
    ]
    assert numbers_pick(tools, list(Use.objects.all())).context == line


def test_tools_that_are_not_models_get_no_pick():
    assert numbers_pick([ToolFactory(), ToolFactory()], list(Use.objects.all())) is None


# On the page


def test_an_unreviewed_comparison_leads_with_the_pick_by_the_numbers(client):
    model("Claude Sonnet 4.6", "3", "15")
    model("GPT-5.5", "5", "30", context_window=1_050_000)
    response = client.get("/compare/claude-sonnet-4-6-vs-gpt-5-5/")
    text = text_of(response)
    assert "By the numbers: Claude Sonnet 4.6" in text
    assert (
        "Coding agent (tool calling, 200K+ context, 500M input + 50M output tokens a month): "
        "Claude Sonnet 4.6, $2,250 a month, 44% less than GPT-5.5 ($4,000)." in text
    )
    assert "Largest context: GPT-5.5 (1.05M tokens)." in text
    content = response.content.decode()
    # No empty panel sections: no critics' table, no "Why the critics say so", no PANEL row.
    assert "The critics' scores" not in text
    assert "Why the critics say so" not in text
    assert "<span>Panel</span>" not in content
    assert "0-critic" not in content and "No pick yet" not in text
    # The figures and the calculator come straight after the strip; the votes after them.
    assert content.index('id="facts-title"') < content.index('id="cost"')
    assert content.index('id="cost"') < content.index('id="community"')
    assert "prices, context and monthly cost side by side" in content


def test_the_panels_pick_leads_and_the_figures_follow_agreeing_or_not(client, panel):
    dear = model("Dear Model", "5", "30")
    cheap = model("Cheap Model", "1", "5")
    for reviewer in panel:
        ReviewFactory(tool=dear, reviewer=reviewer, score=90, verdict="ship")
        ReviewFactory(tool=cheap, reviewer=reviewer, score=60, verdict="skip")
    text = text_of(client.get("/compare/cheap-model-vs-dear-model/"))
    assert "Panel pick: Dear Model" in text
    assert (
        "The figures disagree: by price, the pick is Cheap Model for chat app, document q&a "
        "and coding agent." in text
    )
    Tool.objects.filter(pk=cheap.pk).update(name="Cheap Model")  # no change: a cold cache below
    for review in cheap.reviews.all():
        review.score, review.verdict = 95, "ship"
        review.save()
    cache.clear()
    text = text_of(client.get("/compare/cheap-model-vs-dear-model/"))
    assert "Panel pick: Cheap Model" in text
    assert (
        "The figures agree: Cheap Model is also the pick by price for chat app, document q&a "
        "and coding agent." in text
    )


def test_a_logged_in_reader_of_a_model_comparison_stays_within_the_budget(
    client, django_assert_max_num_queries, django_user_model
):
    model("Model A", "1", "2")
    model("Model B", "2", "3")
    client.force_login(django_user_model.objects.create_user("reader", password="x" * 12))
    cache.clear()
    with django_assert_max_num_queries(8):
        assert client.get("/compare/model-a-vs-model-b/").status_code == 200
