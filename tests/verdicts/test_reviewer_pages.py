import html
import re

import pytest

from tests.factories import (
    CategoryFactory,
    ReviewerFactory,
    ReviewFactory,
    ToolFactory,
)
from verdicts.calibration import Calibration, calibration_for
from votes.models import Visitor, Vote

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The visible text of a page, whitespace collapsed, entities decoded."""
    body = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def add_votes(tool, *, ships: int, skips: int) -> None:
    visitors = Visitor.objects.bulk_create(Visitor() for _ in range(ships + skips))
    Vote.objects.bulk_create(
        Vote(visitor=visitor, tool=tool, value="ship" if index < ships else "skip")
        for index, visitor in enumerate(visitors)
    )


def verdict_items(response) -> int:
    return response.content.decode().count('class="verdict-item"')


@pytest.fixture
def hand_built_panel(panel, make_reviewed_tool):
    """Three tools with known verdicts, plus rows that must not count.

    Panel order: builder, skeptic, futurist, founder.
      one:   ship 90, ship 80, ship 70, skip 40   (25 votes: 15 ship / 10 skip)
      two:   ship 60, skip 30, skip 20, skip 50   (19 votes, all skip: below the quorum)
      three: ship 70, skip 40, ship 75, founder's review unpublished (20 votes, 10/10: a tie)
    """
    founder = panel[3]
    one = make_reviewed_tool((90, "ship"), (80, "ship"), (70, "ship"), (40, "skip"), name="One")
    two = make_reviewed_tool((60, "ship"), (30, "skip"), (20, "skip"), (50, "skip"), name="Two")
    three = make_reviewed_tool((70, "ship"), (40, "skip"), (75, "ship"), name="Three")
    add_votes(one, ships=15, skips=10)
    add_votes(two, ships=0, skips=19)
    add_votes(three, ships=10, skips=10)
    # None of these may move a figure: an unpublished review, a retired critic whose skip
    # would break the builder's tie on "three", and a whole unpublished tool.
    ReviewFactory(tool=three, reviewer=founder, score=99, verdict="ship", status="draft")
    retired = ReviewerFactory(slug="retired", is_active=False)
    ReviewFactory(tool=three, reviewer=retired, score=10, verdict="skip")
    hidden = make_reviewed_tool(
        (0, "skip"), (0, "skip"), (0, "skip"), (0, "skip"), name="Hidden", status="draft"
    )
    add_votes(hidden, ships=30, skips=0)
    return panel


def figures(calibration: Calibration) -> tuple:
    return (
        calibration.ship_percent,
        round(calibration.average_score),
        calibration.panel_agreements,
        calibration.panel_comparable,
        calibration.panel_agreement_percent,
        calibration.community_agreements,
        calibration.community_comparable,
        calibration.community_agreement_percent,
    )


def test_calibration_matches_a_count_by_hand(hand_built_panel):
    builder, skeptic, futurist, founder = hand_built_panel
    calibration = calibration_for(hand_built_panel)
    # builder: 3/3 ship, (90+60+70)/3; panel agrees on one, not on two, three is a tie among
    # the others (skip, ship); community counts only "one" (ship), and agrees.
    assert figures(calibration[builder.pk]) == (100, 73, 1, 2, 50, 1, 1, 100)
    # skeptic: 1/3 ship, (80+30+40)/3; others ship on one (agree), skip on two (agree), ship on
    # three (disagree).
    assert figures(calibration[skeptic.pk]) == (33, 50, 2, 3, 67, 1, 1, 100)
    # futurist: 2/3 ship, (70+20+75)/3; agrees on one and two, three is a tie among the others.
    assert figures(calibration[futurist.pk]) == (67, 55, 2, 2, 100, 1, 1, 100)
    # founder: 0/2 ship (their "three" is unpublished), (40+50)/2; the others ship on one
    # (disagree) and skip on two (agree); the community ships "one" (disagree).
    assert figures(calibration[founder.pk]) == (0, 45, 1, 2, 50, 0, 1, 0)
    assert calibration[builder.pk].reviews == 3
    assert calibration[founder.pk].reviews == 2


def test_a_reviewer_without_verdicts_gets_empty_figures(panel):
    newcomer = ReviewerFactory(slug="newcomer")
    calibration = calibration_for([newcomer])[newcomer.pk]
    assert calibration == Calibration()
    assert calibration.ship_percent is None
    assert calibration.average_display == "–"


def test_calibration_is_one_query_however_many_reviewers(
    hand_built_panel, django_assert_num_queries
):
    with django_assert_num_queries(1):
        calibration_for(hand_built_panel)


def test_the_reviewer_page_shows_persona_and_calibration(client, hand_built_panel):
    builder = hand_built_panel[0]
    builder.bio = "Ships backends for a living."
    builder.excited_by = "A CLI that does one thing."
    builder.tired_of = "Demos that never reach production."
    builder.save()
    response = client.get("/reviewers/builder/")
    assert response.status_code == 200
    text = text_of(response)
    for expected in (
        "The Builder",
        "Ships backends for a living.",
        "Gets excited about A CLI that does one thing.",
        "Is tired of Demos that never reach production.",
        "Ships 100% of 3 verdicts",
        "Average score 73/100",
        "Sides with the panel 50% on 2 tools",
        "Sides with the crowd 100% on 1 tool with 20+ votes",
    ):
        assert expected in text


def test_the_reviewer_page_lists_verdicts_with_score_line_and_tool_link(client, hand_built_panel):
    response = client.get("/reviewers/skeptic/")
    content = response.content.decode()
    text = text_of(response)
    assert verdict_items(response) == 3
    assert "80/100 · ship" in text
    assert "30/100 · skip" in text
    assert 'href="/tools/tool-' in content
    assert "Hidden" not in text


def test_the_reviewer_page_has_a_real_title_and_description(client, hand_built_panel):
    content = client.get("/reviewers/founder/").content.decode()
    assert (
        "<title>The Founder on AI tools: scores and ship or skip verdicts | Shiplist</title>"
    ) in content
    description = re.search(r'<meta name="description" content="([^"]*)"', content)[1]
    assert "The Founder reviews AI tools through the founder lens" in html.unescape(description)
    assert "2 verdicts, 0% ship, average score 45/100" in html.unescape(description)


def test_the_panel_page_shows_every_active_reviewer_with_figures(client, hand_built_panel):
    response = client.get("/reviewers/")
    assert response.status_code == 200
    text = text_of(response)
    content = response.content.decode()
    assert content.count('class="mini-card reviewer-card"') == 4
    assert "<title>The panel: 4 critics who judge every AI tool | Shiplist</title>" in content
    assert "Meet the 4 critics" in content
    assert "The Skeptic" in text
    assert "Sides with the panel 67% on 3 tools" in text
    assert "retired" not in content
    assert 'href="/reviewers/founder/"' in content


def test_a_review_body_is_escaped(client, panel):
    ReviewFactory(reviewer=panel[0], body="<script>alert(1)</script> Fine otherwise.")
    content = client.get("/reviewers/builder/").content.decode()
    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Fine otherwise." in content


def test_an_unknown_or_inactive_reviewer_is_404(client, hand_built_panel):
    assert client.get("/reviewers/nobody/").status_code == 404
    assert client.get("/reviewers/retired/").status_code == 404


def test_the_reviewer_pages_reject_post(client, panel):
    assert client.post("/reviewers/").status_code == 405
    assert client.post("/reviewers/builder/").status_code == 405


@pytest.fixture
def two_categories(panel):
    agents = CategoryFactory(name="Agents", slug="agents")
    runtimes = CategoryFactory(name="Runtimes", slug="runtimes")
    CategoryFactory(name="Empty shelf", slug="empty-shelf")
    for index in range(2):
        ReviewFactory(reviewer=panel[0], tool=ToolFactory(name=f"Agent {index}", category=agents))
    ReviewFactory(reviewer=panel[0], tool=ToolFactory(name="Runtime", category=runtimes))
    return agents, runtimes


def test_it_filters_verdicts_by_category(client, two_categories):
    response = client.get("/reviewers/builder/?category=runtimes")
    text = text_of(response)
    assert response.status_code == 200
    assert verdict_items(response) == 1
    assert "Runtime" in text
    assert "Agent 0" not in text
    assert "Verdicts in Runtimes (1)" in text
    assert '<option value="runtimes" selected>Runtimes (1)</option>' in response.content.decode()


def test_the_category_select_offers_only_categories_with_verdicts(client, two_categories):
    content = client.get("/reviewers/builder/").content.decode()
    assert '<label for="verdict-category">Category</label>' in content
    assert '<option value="agents">Agents (2)</option>' in content
    assert "Empty shelf" not in content


def test_a_category_without_verdicts_says_so(client, two_categories):
    response = client.get("/reviewers/builder/?category=empty-shelf")
    assert response.status_code == 200
    assert verdict_items(response) == 0
    assert "has not reviewed anything in Empty shelf yet" in text_of(response)


@pytest.mark.parametrize("slug", ["no-such-category", "<b>odd</b>", "x" * 500])
def test_an_unknown_category_shows_everything_with_a_note(client, two_categories, slug):
    response = client.get("/reviewers/builder/", {"category": slug})
    assert response.status_code == 200
    assert verdict_items(response) == 3
    assert "We have no category called" in text_of(response)
    assert "<b>odd</b>" not in response.content.decode()


@pytest.fixture
def thirty_verdicts(panel):
    category = CategoryFactory(name="Busy", slug="busy")
    for index in range(30):
        ReviewFactory(reviewer=panel[0], tool=ToolFactory(name=f"Busy {index}", category=category))


def test_verdicts_are_paginated_by_24(client, thirty_verdicts):
    first = client.get("/reviewers/builder/")
    second = client.get("/reviewers/builder/?page=2")
    assert verdict_items(first) == 24
    assert verdict_items(second) == 6
    assert 'href="?page=2" rel="next"' in first.content.decode()
    assert "(page 2)" in second.content.decode().split("</title>")[0]


def test_pagination_links_keep_the_category(client, thirty_verdicts):
    content = client.get("/reviewers/builder/?category=busy").content.decode()
    assert 'href="?category=busy&amp;page=2"' in content


@pytest.mark.parametrize(
    "page,expected_items", [("abc", 24), ("999", 6), ("0", 6), ("-1", 6), ("", 24), ("2.5", 24)]
)
def test_a_bad_page_number_still_shows_a_page(client, thirty_verdicts, page, expected_items):
    response = client.get("/reviewers/builder/", {"page": page})
    assert response.status_code == 200
    assert verdict_items(response) == expected_items


def populate(make_reviewed_tool, count: int) -> None:
    for index in range(count):
        founder_says = "skip" if index % 2 else "ship"
        tool = make_reviewed_tool(
            (80, "ship"), (40, "skip"), (60 + index % 5, "ship"), (30, founder_says)
        )
        add_votes(tool, ships=12 + index % 3, skips=10)


def count_queries(client, django_assert_max_num_queries, url: str, budget: int) -> int:
    with django_assert_max_num_queries(budget) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url,budget", [("/reviewers/", 2), ("/reviewers/founder/", 5)])
def test_the_query_count_does_not_grow_with_tools_reviews_or_votes(
    client, make_reviewed_tool, django_assert_max_num_queries, url, budget
):
    populate(make_reviewed_tool, 3)
    few = count_queries(client, django_assert_max_num_queries, url, budget)
    populate(make_reviewed_tool, 30)
    ReviewerFactory(slug="fifth", order=9)
    many = count_queries(client, django_assert_max_num_queries, url, budget)
    assert few == many
