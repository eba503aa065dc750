"""Query budgets at scale (issue 7, item 3).

Every public page is measured at (24 tools, 0 votes) and again at (500 tools, 10,000 votes),
cold (cache cleared) and warm (the same request again), for an anonymous reader and for a
visitor with a session. The count must not move with the size of the catalogue, the compare page
must stay within its budgets, and no page may exceed PAGE_BUDGET.

The data is bulk-created: factories in a loop would take minutes at this scale.
"""

from __future__ import annotations

import html
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import CategoryFactory
from tools.models import Tool
from verdicts.models import Review
from votes.models import Visitor, Vote

pytestmark = pytest.mark.django_db

COMPARE = "/compare/code-llama-4-vs-mistral-3b/"
PAGES = {
    "compare": COMPARE,
    "tool": "/tools/code-llama-4/",
    "directory": "/tools/",
    "category": "/categories/developer-tools/",
    "reviewer": "/reviewers/builder/",
    "panel": "/reviewers/",
    "home": "/",
    "disagreements": "/disagreements/",
}
SMALL = (24, 0)
LARGE = (500, 10_000)
CATEGORY_COUNT = 5
VOTES_PER_VISITOR = 10

PAGE_BUDGET = 10
COMPARE_COLD_BUDGET = 8
COMPARE_WARM_BUDGET = {"anonymous": 1, "session": 3}


def text_of(response) -> str:
    """The visible text of a page, whitespace collapsed, entities decoded."""
    body = response.content.decode()
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def categories(first) -> list:
    return [first] + [
        CategoryFactory(name=f"Scale Category {index}", slug=f"scale-category-{index}")
        for index in range(1, CATEGORY_COUNT)
    ]


def grow(panel, spread_over: list, *, tools: int, votes: int) -> None:
    """Grow the database to `tools` published tools, each with a full panel of reviews, and to
    `votes` votes in all, cast by fresh visitors (each voting on distinct tools)."""
    existing = Tool.objects.count()
    new_tools = Tool.objects.bulk_create(
        Tool(
            name=f"Scale Tool {number:04d}",
            slug=f"scale-tool-{number:04d}",
            maker="Scale Labs",
            category=spread_over[number % len(spread_over)],
            tagline="One of many",
            description="A tool made in bulk for the query budget tests.",
            website="https://example.com/",
            pricing_model=Tool.Pricing.FREEMIUM,
            entry_price="$10/mo",
            pricing_details="Free tier, then $10/mo",
            licence="Proprietary",
            status="published",
        )
        for number in range(existing, tools)
    )
    # 0 to 4 ships per tool: ship, split and skip panel verdicts all occur.
    Review.objects.bulk_create(
        Review(
            tool=tool,
            reviewer=reviewer,
            score=40 + (tool.pk * 7 + position * 13) % 60,
            verdict="ship" if position < tool.pk % 5 else "skip",
            body="Reviewed in bulk.",
        )
        for tool in new_tools
        for position, reviewer in enumerate(panel)
    )
    assert Tool.objects.published().count() == tools

    missing = votes - Vote.objects.count()
    if missing <= 0:
        return
    tool_ids = list(Tool.objects.order_by("pk").values_list("pk", flat=True))
    assert len(tool_ids) >= VOTES_PER_VISITOR
    stride = len(tool_ids) // VOTES_PER_VISITOR
    visitors = Visitor.objects.bulk_create(
        Visitor() for _ in range(-(-missing // VOTES_PER_VISITOR))
    )
    # Visitor i votes on tools i, i + stride, ... (mod the tool count): distinct per visitor,
    # and every tool gets the same number of votes, with ship shares from 0% to 100%.
    rows = []
    for number in range(missing):
        index, step = divmod(number, VOTES_PER_VISITOR)
        position = (index + step * stride) % len(tool_ids)
        value = "ship" if (index + 3 * position) % 7 < position % 8 else "skip"
        rows.append(Vote(visitor=visitors[index], tool_id=tool_ids[position], value=value))
    Vote.objects.bulk_create(rows, batch_size=5000)
    assert Vote.objects.count() == votes


def run(client: Client, url: str) -> tuple[int, list[str], object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return len(captured), [query["sql"] for query in captured.captured_queries], response


def listing(sqls: list[str]) -> str:
    return "\n".join(f"  {number}. {sql}" for number, sql in enumerate(sqls, 1))


def measure(page: str, visitors: dict[str, Client]) -> dict[tuple[str, str], tuple[int, list]]:
    """Cold and warm query counts (and their SQL) for each kind of visitor."""
    found = {}
    for kind, client in visitors.items():
        cache.clear()  # the next request is cold: no page, no session, no visitor state cached
        for state in ("cold", "warm"):
            count, sqls, response = run(client, PAGES[page])
            assert response.status_code == 200, (page, kind, state, response.status_code)
            found[(kind, state)] = (count, sqls)
    return found


def check_budgets(page: str, scale: tuple[int, int], found: dict) -> None:
    where = f"{page} page at {scale[0]} tools / {scale[1]} votes"
    for (kind, state), (count, sqls) in found.items():
        assert count <= PAGE_BUDGET, (
            f"{where}, {kind} {state}: {count} queries > {PAGE_BUDGET}\n{listing(sqls)}"
        )
        if page == "compare":
            budget = COMPARE_COLD_BUDGET if state == "cold" else COMPARE_WARM_BUDGET[kind]
            assert count <= budget, (
                f"{where}, {kind} {state}: {count} queries > {budget}\n{listing(sqls)}"
            )


@pytest.mark.parametrize("page", list(PAGES))
def test_query_count_is_bounded_and_independent_of_scale(
    client, panel, reference_pair, developer_tools, page
):
    spread_over = categories(developer_tools)
    grow(panel, spread_over, tools=SMALL[0], votes=SMALL[1])

    anonymous = Client()
    assert anonymous.get(PAGES[page]).status_code == 200, f"{PAGES[page]} does not answer"

    # A visitor with a session: their first vote creates the Visitor and the session.
    assert client.post("/tools/mistral-3b/vote/", {"value": "ship"}).status_code == 303
    # Measured as they browse after the ten seconds in which their own pages are all computed
    # afresh (core/pages.py FRESH_SECONDS: those cost the view's queries).
    client.cookies.pop("fresh")
    cache.clear()
    visitors = {"anonymous": anonymous, "session": client}

    small = measure(page, visitors)
    check_budgets(page, SMALL, small)

    grow(panel, spread_over, tools=LARGE[0], votes=LARGE[1])
    assert Review.objects.count() == 4 * LARGE[0]
    large = measure(page, visitors)
    check_budgets(page, LARGE, large)

    print(  # shown with -s or -rP: the measured table
        f"\n{page:>13}: "
        + "  ".join(
            f"{kind} {state} {small[(kind, state)][0]}->{large[(kind, state)][0]}"
            for kind, state in small
        )
    )
    for key, (count, sqls) in small.items():
        large_count, large_sqls = large[key]
        assert large_count == count, (
            f"{page} page, {' '.join(key)}: {count} queries at {SMALL[0]} tools / {SMALL[1]} "
            f"votes but {large_count} at {LARGE[0]} tools / {LARGE[1]} votes\n"
            f"small:\n{listing(sqls)}\nlarge:\n{listing(large_sqls)}"
        )

    # The large scale was really rendered, not an empty page.
    cache.clear()
    shown = text_of(anonymous.get(PAGES[page]))
    if page != "panel":  # the panel page lists reviewers, not tools
        assert "Scale Tool" in shown
    if page == "compare":
        assert "Panel pick: Mistral 3B" in shown


def test_at_5000_tools_every_page_keeps_its_budget_and_weight(
    panel, reference_pair, developer_tools
):
    """Issue 18's scale: every public page at 5,000 published tools, within its query budget
    and under 40 KB of HTML (the picker suggests the best-rated names only; home and category
    pages list a shelf and a page, not the catalogue)."""
    grow(panel, categories(developer_tools), tools=5000, votes=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have: the planner needs statistics
    reader = Client()
    for page, url in {**PAGES, "picker": "/compare/"}.items():
        cache.clear()
        count, sqls, response = run(reader, url)
        assert response.status_code == 200, (page, response.status_code)
        assert count <= PAGE_BUDGET, f"{page}: {count} queries\n{listing(sqls)}"
        assert len(response.content) < 40 * 1024, f"{page}: {len(response.content)} bytes"


def test_at_5000_tools_and_every_first_party_model_model_pages_keep_their_budget(
    panel, reference_pair, developer_tools
):
    """Issue 23's scale: 5,000 tools plus the 191 first-party models of the installed
    models.dev snapshot. Model comparisons (with their pick by the numbers) and the model finder
    (any filter and volume) stay within their budgets and weight."""
    from django.core.management import call_command

    from modelspecs.models import ModelSpec

    grow(panel, categories(developer_tools), tools=5000, votes=0)
    call_command("import_models_dev", "--publish", verbosity=0)
    assert ModelSpec.objects.count() >= 150
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    reader = Client()
    pages = {
        "compare, two models": "/compare/claude-sonnet-4-6-vs-gpt-5-5/",
        "compare, four models": (
            "/compare/claude-sonnet-4-6-vs-deepseek-v4-flash-vs-gpt-5-5-vs-llama-3-3-70b-instruct/"
        ),
        "model page": "/tools/deepseek-v4-flash/",
        "finder": "/models/",
        "finder, a job and a volume": (
            "/models/?tool_calling=yes&min_context=200K&max_output=15&input_tokens=50M"
            "&output_tokens=10M"
        ),
        "finder, every filter": (
            "/models/?tool_calling=yes&reasoning=yes&open_weights=yes&reads=image"
            "&min_context=100K&max_output=50&max_input=10&sort=context&page=2"
        ),
        "search": "/search/?q=sonnet",
        "search, a typo": "/search/?q=claud+sonet",
        "search, a family on each side": "/search/?q=sonnet+vs+gpt",
        "cost of four": (
            "/compare/claude-sonnet-4-6-vs-deepseek-v4-flash-vs-gpt-5-5-vs-"
            "llama-3-3-70b-instruct/cost/?input_tokens=50M&output_tokens=10M"
        ),
    }
    for page, url in pages.items():
        cache.clear()
        count, sqls, response = run(reader, url)
        assert response.status_code == 200, (page, response.status_code)
        budget = COMPARE_COLD_BUDGET if page.startswith("compare") else PAGE_BUDGET
        assert count <= budget, f"{page}: {count} queries\n{listing(sqls)}"
        assert len(response.content) < 40 * 1024, f"{page}: {len(response.content)} bytes"
        print(f"\n{page}: {count} queries, {len(response.content)} bytes")  # with -s
    assert "By the numbers: Claude Sonnet 4.6" in text_of(reader.get(pages["compare, two models"]))
