"""Model facts on the compare page's decision table and on tool pages, at no extra query."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache

from modelspecs.models import ModelSpec
from tests.factories import ToolFactory
from tests.tools.test_compare_page import text_of
from trust.models import FactCheck

pytestmark = pytest.mark.django_db


def model(slug: str, name: str, **facts) -> ModelSpec:
    tool = ToolFactory(slug=slug, name=name, entry_price="$1 / 1M input tokens")
    values = {
        "input_price": Decimal("3"),
        "output_price": Decimal("15"),
        "context_window": 200_000,
        "output_limit": 64_000,
        "input_modalities": ["text", "image"],
        "output_modalities": ["text"],
        "tool_calling": True,
        "source": "models.dev snapshot 1.0.398",
        **facts,
    }
    return ModelSpec.objects.create(tool=tool, provider="lab", model_id=slug, **values)


@pytest.fixture
def gpt_and_claude(db):
    gpt = model(
        "gpt-5",
        "GPT-5",
        input_price=Decimal("1.25"),
        output_price=Decimal("10"),
        cached_input_price=Decimal("0.125"),
        context_window=400_000,
        output_limit=128_000,
        reasoning=True,
        other_providers=7,
        lowest_other_input_price=Decimal("1.1"),
        lowest_other_output_price=Decimal("9"),
    )
    claude = model("claude-sonnet-4", "Claude Sonnet 4", output_price=Decimal("15"))
    return gpt, claude


URL = "/compare/claude-sonnet-4-vs-gpt-5/"


def rows_of(response) -> dict[str, str]:
    content = response.content.decode()
    table = content[content.index('class="decision') :]
    table = table[: table.index("</table>")]
    return {
        label: " ".join(re.sub(r"<[^>]+>", " ", cells).split())
        for label, cells in re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', table, re.S)
    }


def test_the_decision_table_shows_both_models_figures_with_the_better_side_in_words(
    client, gpt_and_claude
):
    rows = rows_of(client.get(URL))
    # Claude first (the address's order), then GPT-5.
    assert rows["Input, per 1M tokens"] == "$3 $1.25 ▲ Cheaper"
    assert rows["Output, per 1M tokens"] == "$15 $10 ▲ Cheaper"
    assert rows["Context window"] == "200K tokens 400K tokens ▲ Larger"
    assert rows["Longest answer"] == "64K tokens 128K tokens ▲ Larger"
    assert rows["Reads"] == "text, image text, image"
    assert rows["Can"] == "Call tools Call tools, reason"
    # Per-token prices replace the entry price for models.
    assert "Entry price" not in rows and "Free tier" not in rows


def test_a_tie_marks_no_side(client, gpt_and_claude):
    ModelSpec.objects.filter(model_id="gpt-5").update(context_window=200_000)
    cache.clear()
    assert rows_of(client.get(URL))["Context window"] == "200K tokens 200K tokens"


def test_the_prices_say_where_they_come_from_and_how_old_they_are(client, gpt_and_claude):
    gpt, _ = gpt_and_claude
    FactCheck.objects.create(
        tool=gpt.tool,
        fact="model_prices",
        basis="claimed",
        checked_on=datetime.date.today(),
        source_url="https://models.dev/",
    )
    cache.clear()
    rows = rows_of(client.get(URL))
    assert "Maker's claim" in rows["Input, per 1M tokens"]


def test_tools_that_are_not_models_get_no_model_rows(client, reference_pair):
    rows = rows_of(client.get("/compare/code-llama-4-vs-mistral-3b/"))
    assert "Input, per 1M tokens" not in rows and "Context window" not in rows
    assert "Entry price" in rows
    assert 'id="cost"' not in client.get("/compare/code-llama-4-vs-mistral-3b/").content.decode()


def test_a_model_against_a_tool_that_is_not_one_says_not_listed_and_marks_nothing(
    client, gpt_and_claude
):
    ToolFactory(slug="cursor", name="Cursor")
    response = client.get("/compare/cursor-vs-gpt-5/")
    rows = rows_of(response)
    assert rows["Input, per 1M tokens"] == "Not listed $1.25"
    assert "Entry price" in rows
    # The calculator costs every priced model of a comparison, and says the rest have none.
    assert 'id="cost"' in response.content.decode()
    assert "Cursor: no published price" in text_of(
        client.get("/compare/cursor-vs-gpt-5/cost/", {"preset": "chat"})
    )


def count_queries(client, url, django_assert_max_num_queries) -> int:
    cache.clear()
    with django_assert_max_num_queries(10) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_model_pages_cost_one_query_more_only_on_a_cold_cache(
    client, db, django_assert_max_num_queries
):
    ToolFactory(slug="tool-a"), ToolFactory(slug="tool-b")
    model("model-a", "Model A"), model("model-b", "Model B")
    plain = count_queries(client, "/compare/tool-a-vs-tool-b/", django_assert_max_num_queries)
    models = count_queries(client, "/compare/model-a-vs-model-b/", django_assert_max_num_queries)
    # One more on a cold cache: the uses the pick by the numbers reads (then kept in the cache).
    assert models == plain + 1
    plain = count_queries(client, "/tools/tool-a/", django_assert_max_num_queries)
    models = count_queries(client, "/tools/model-a/", django_assert_max_num_queries)
    assert models == plain + 1


def test_the_tool_page_shows_the_facts_and_who_else_sells_it(client, gpt_and_claude):
    text = text_of(client.get("/tools/gpt-5/"))
    assert (
        "Per 1M tokens: $1.25 input, $10 output, $0.125 cached input. "
        "Also offered by 7 providers, from $1.10 input, $9 output." in text
    )
    assert "Context: 400K tokens, answers up to 128K tokens." in text
    assert "Tool calling: yes. Reasoning: yes. Open weights: no." in text
    assert "From the models.dev snapshot 1.0.398." in text


def test_a_change_to_the_facts_purges_the_pages_showing_them(client, gpt_and_claude):
    gpt, _ = gpt_and_claude
    assert "$1.25" in client.get("/tools/gpt-5/").content.decode()
    gpt.input_price = Decimal("0.99")
    gpt.save()
    content = client.get("/tools/gpt-5/").content.decode()
    assert "$0.99" in content and "$1.25" not in content


def test_editors_see_the_imported_facts_read_only_in_the_admin(client, gpt_and_claude):
    from django.contrib.auth.models import Group, User

    gpt, _ = gpt_and_claude
    editor = User.objects.create_user("editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    response = client.get(f"/admin/tools/tool/{gpt.tool_id}/change/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "imported from models.dev" in content
    assert "1.250000" in content
    assert 'name="model_spec-0-input_price"' not in content  # shown, not editable


def test_a_model_comparison_weighs_under_40_kb(client, gpt_and_claude):
    assert len(client.get(URL).content) < 40 * 1024


@pytest.mark.parametrize(
    ("first", "second", "row"),
    [
        (1_050_000, 1_048_576, "1.05M tokens 1.05M tokens"),  # print the same: a tie
        (1_000_000, 1_009_000, "1M tokens 1.01M tokens"),  # 0.9% apart: a tie
        (1_000_000, 1_050_000, "1M tokens 1.05M tokens ▲ Larger"),  # 4.8%
        (400_000, 128_000, "400K tokens ▲ Larger 128K tokens"),
    ],
)
def test_larger_is_marked_only_beyond_the_one_percent_tie(client, db, first, second, row):
    model("model-one", "Model One", context_window=first)
    model("model-two", "Model Two", context_window=second)
    assert rows_of(client.get("/compare/model-one-vs-model-two/"))["Context window"] == row


@pytest.mark.parametrize(
    ("first", "second", "row"),
    [
        ("3", "3.02", "$3 $3.02"),  # 0.7% apart: a tie
        ("3", "3.1", "$3 ▲ Cheaper $3.10"),
        ("0", "3", "Not published $3"),  # $0 and $0: no published price, never cheaper
    ],
)
def test_cheaper_follows_the_tie_rule_and_never_marks_an_unpriced_model(
    client, db, first, second, row
):
    model("model-one", "Model One", input_price=Decimal(first), output_price=Decimal(first))
    model("model-two", "Model Two", input_price=Decimal(second), output_price=Decimal("15"))
    assert rows_of(client.get("/compare/model-one-vs-model-two/"))["Input, per 1M tokens"] == row


def test_imported_figures_say_where_and_when_they_come_from(client, db):
    spec = model("model-one", "Model One", last_updated=datetime.date(2026, 3, 13))
    model("model-two", "Model Two", last_updated=datetime.date(2025, 11, 2))
    FactCheck.objects.create(
        tool=spec.tool,
        fact="model_prices",
        basis=FactCheck.Basis.CATALOGUE,
        checked_on=datetime.date(2026, 5, 21),
        changed_on=datetime.date(2026, 3, 13),
        source_url="https://github.com/anomalyco/models.dev/blob/HEAD/providers/lab/models/x.toml",
    )
    response = client.get("/compare/model-one-vs-model-two/")
    rows = rows_of(response)
    assert rows["Input, per 1M tokens"] == (
        "$3 models.dev catalogue: this model's entry snapshot 21 May 2026 : may be out of date $3"
    )  # stale: the snapshot is over 90 days old
    tool_page = text_of(client.get("/tools/model-one/"))
    assert (
        "From the models.dev catalogue : this model's entry , snapshot of 21 May 2026 ; last "
        "changed there 13 Mar 2026 : may be out of date" in tool_page
    )
    assert "Maker's claim" not in text_of(response)
    assert (
        'href="https://github.com/anomalyco/models.dev/blob/HEAD/providers/lab/models/x.toml"'
        in (response.content.decode())
    )
    # "Updated" is when the catalogue last changed the figures, not when they were imported.
    assert rows["Updated"] == "13 Mar 2026 2 Nov 2025"
