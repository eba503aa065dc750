import html
import json
import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from tests.factories import ReviewerFactory, ReviewFactory, VisitorFactory
from verdicts.models import Reviewer
from votes.models import Vote

pytestmark = pytest.mark.django_db

URL = "/compare/code-llama-4-vs-mistral-3b/"


def text_of(response) -> str:
    """The visible text of a page, whitespace collapsed, entities decoded."""
    body = response.content.decode()
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_it_shows_every_fact_of_the_reference_page(client, reference_pair):
    response = client.get(URL)
    assert response.status_code == 200
    text = text_of(response)
    for fact in [
        "Compare Code Llama 4 vs Mistral 3B",  # the breadcrumb; CSS draws the slash
        "AI tool comparison",
        "Code Llama 4 vs Mistral 3B",
        "Which one should you ship with?",
        "Panel pick: Mistral 3B",
        "Average score 82 vs 75 · 4/4 vs 3/4 critics ship",
        "Code Llama 4 Panel: ✓ Ship 75 /100",  # the pinned heads: verdict and average score
        "Mistral 3B Panel: ✓ Ship 82 /100",
        "No votes yet",
        "Free (open weights under Llama 4 community license)",
        "Free / Open-source (Apache 2.0)",
        "Llama 4 Community License",
        "Apache 2.0",
        "Meta",
        "Mistral AI",
        "Developer Tools",
        "The critics' scores",
        "Why the critics say so",
        "Weekly verdicts by email",
        "Loading bookmarks…",  # then htmx fetches the panel (tests/votes/test_bookmarks.py)
    ]:
        assert fact in text, fact
    for score_line in [
        "84/100 · ship",
        "78/100 · ship",
        "81/100 · ship",
        "55/100 · skip",
        "87/100 · ship",
        "80/100 · ship",
        "84/100 · ship",
        "75/100 · ship",
    ]:
        assert score_line in text, score_line


def test_the_scorecard_pairs_each_critic_with_both_verdicts_in_panel_order(client, reference_pair):
    text = text_of(client.get(URL))
    scorecard = text[text.index("Why the critics say so") :]
    positions = [
        scorecard.index(f"{lens} ") for lens in ["Builder", "Skeptic", "Futurist", "Founder"]
    ]
    assert positions == sorted(positions)
    founder = scorecard[positions[3] :]
    assert founder.index("55/100 · skip") < founder.index("75/100 · ship")


def test_the_stronger_side_is_marked_in_words_not_colour_alone(client, reference_pair):
    content = client.get(URL).content.decode()
    matrix = content[content.index('class="matrix') : content.index("</table>")]
    rows = dict(re.findall(r'<th scope="row"><a[^>]*>([^<]+)</a></th>(.*?)</tr>', matrix, re.S))
    for critic in ["Builder", "Skeptic", "Futurist", "Founder"]:  # Mistral 3B scores higher
        cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[critic], flags=re.S)
        assert "▲" not in cells[0] and "highest" not in cells[0]
        assert "▲" in cells[1] and "highest" in cells[1]
    facts = dict(re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', content, flags=re.S))
    # Both free: neither side is marked cheaper; both have a free tier.
    assert "Cheaper" not in facts["Entry price"] and "Only one" not in facts["Free tier"]


def test_the_cheaper_entry_price_is_marked(client, reference_pair):
    code_llama = reference_pair[0]
    code_llama.entry_price, code_llama.pricing_model = "$20/mo", "paid"
    code_llama.save()
    content = client.get(URL).content.decode()
    facts = dict(re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', content, flags=re.S))
    cells = re.findall(r"<td[^>]*>(.*?)</td>", facts["Entry price"], flags=re.S)
    assert "Cheaper" not in cells[0] and "Cheaper" in cells[1]
    tiers = re.findall(r"<td[^>]*>(.*?)</td>", facts["Free tier"], flags=re.S)
    assert tiers[0].startswith("No") and "Only one" in tiers[1]


def test_rows_that_only_repeat_the_heads_are_gone(client, reference_pair):
    content = client.get(URL).content.decode()
    labels = re.findall(r'<th scope="row">([^<]+)</th>', content)
    assert labels == ["Entry price", "Free tier", "Licence", "Maker", "Updated"]  # same category


def test_a_critic_who_reviewed_only_one_tool_shows_not_reviewed_yet(client, reference_pair):
    newcomer = ReviewerFactory(name="The Lawyer", slug="lawyer", lens="Lawyer", order=9)
    ReviewFactory(tool=reference_pair[0], reviewer=newcomer, score=61, verdict="ship")
    text = text_of(client.get(URL))
    matrix = text[text.index("Lawyer") :]
    assert matrix.index("61 Ship") < matrix.index("Not reviewed yet")
    takes = text[text.index("The Lawyer") :]
    assert takes.index("61/100 · ship") < takes.index("Mistral 3B: Not reviewed yet")


def test_reviewer_names_link_to_their_pages(client, reference_pair):
    content = client.get(URL).content.decode()
    for slug in ["builder", "skeptic", "futurist", "founder"]:
        assert f'href="/reviewers/{slug}/"' in content


def test_related_comparisons_and_alternatives_link_to_canonical_pages(
    client, reference_pair, neighbours
):
    content = client.get(URL).content.decode()
    assert 'href="/compare/code-llama-4-vs-neighbour-0/"' in content
    assert 'href="/compare/mistral-3b-vs-neighbour-0/"' in content
    # The alternatives: the related comparisons with them, and the "add a tool" choices.
    assert 'href="/compare/code-llama-4-vs-neighbour-1/"' in content
    assert '<option value="neighbour-2">Neighbour 2</option>' in content


def test_review_text_is_escaped(client, reference_pair):
    ReviewFactory(
        tool=reference_pair[0],
        reviewer=ReviewerFactory(slug="mallory", order=20),
        body='<script>alert("x")</script> <b>bold</b>',
    )
    content = client.get(URL).content.decode()
    assert '<script>alert("x")</script>' not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content


def test_it_carries_seo_tags_and_parseable_json_ld(client, reference_pair):
    content = client.get(URL).content.decode()
    assert "<title>Code Llama 4 vs Mistral 3B" in content
    assert '<meta name="description"' in content
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{URL}">' in content
    og_title = "Code Llama 4 vs Mistral 3B · Panel pick: Mistral 3B"
    assert f'<meta property="og:title" content="{og_title}">' in content
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert [item["@type"] for item in data] == ["SoftwareApplication", "SoftwareApplication"]
    assert [item["name"] for item in data] == ["Code Llama 4", "Mistral 3B"]
    ratings = [review["reviewRating"] for review in data[0]["review"]]
    assert [rating["ratingValue"] for rating in ratings] == [84, 78, 81, 55]
    assert all(r["bestRating"] == 100 and r["worstRating"] == 0 for r in ratings)
    assert "aggregateRating" not in blocks[0]


def test_json_ld_cannot_be_broken_out_of_by_what_editors_type(client, reference_pair):
    ReviewFactory(
        tool=reference_pair[1],
        reviewer=ReviewerFactory(
            slug="mallory", order=20, name="</script><script>alert(1)</script>"
        ),
    )
    content = client.get(URL).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    assert "alert(1)" in json.dumps(json.loads(block.group(1)))
    assert "<script>alert(1)" not in content


def add_reviewers(count: int) -> None:
    for index in range(count):
        ReviewerFactory(slug=f"extra-{index}", order=10 + index)


def add_votes(tools, count: int) -> None:
    visitors = VisitorFactory.create_batch(count)
    Vote.objects.bulk_create(
        Vote(visitor=visitor, tool=tool, value="ship" if index % 3 else "skip")
        for index, visitor in enumerate(visitors)
        for tool in tools
    )


def count_queries(client, django_assert_max_num_queries) -> int:
    """Queries for a cold page (nothing cached)."""
    cache.clear()
    with django_assert_max_num_queries(8) as captured:
        assert client.get(URL).status_code == 200
    return len(captured.captured_queries)


def test_query_count_is_constant_across_panel_size_and_votes(
    client, reference_pair, neighbours, django_assert_max_num_queries
):
    baseline = count_queries(client, django_assert_max_num_queries)
    add_reviewers(3)  # a panel of seven
    assert Reviewer.objects.filter(is_active=True).count() == 7
    assert count_queries(client, django_assert_max_num_queries) == baseline
    add_votes(reference_pair, 1000)
    assert Vote.objects.count() == 2000
    assert count_queries(client, django_assert_max_num_queries) == baseline
    assert "67% ship · 1000 votes" in text_of(client.get(URL))


def test_a_warm_page_costs_an_anonymous_reader_no_query(
    client, reference_pair, neighbours, django_assert_max_num_queries
):
    client.get(URL)
    with django_assert_max_num_queries(0):
        response = client.get(URL)
    assert "Panel pick: Mistral 3B" in text_of(response)


def test_a_warm_page_costs_a_visitor_at_most_three_queries_and_keeps_their_state(
    client, reference_pair, neighbours, django_assert_max_num_queries
):
    client.post("/tools/mistral-3b/vote/", {"value": "skip"})
    client.post("/tools/code-llama-4/bookmark/", {"action": "add"})
    client.cookies.pop("fresh")  # ten seconds later: their pages need not be computed afresh
    client.get(URL)
    with django_assert_max_num_queries(3):
        content = client.get(URL).content.decode()
    pressed = re.findall(r'<button[^>]*aria-pressed="true"[^>]*>', content)
    assert len(pressed) == 2  # one vote widget per tool, one bookmark button per tool
    assert '<span id="bookmark-count" class="count">1</span>' in content


def test_a_logged_in_visitor_stays_within_the_budget(
    client, reference_pair, django_assert_max_num_queries
):
    client.force_login(User.objects.create_user("reader"))
    client.post("/tools/mistral-3b/vote/", {"value": "skip"})
    cache.clear()
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200


def test_the_page_weighs_under_40_kb(client, reference_pair, neighbours):
    assert len(client.get(URL).content) < 40 * 1024


def test_a_visitor_with_a_session_stays_within_the_budget_and_sees_their_state(
    client, reference_pair, neighbours, django_assert_max_num_queries
):
    client.post("/tools/mistral-3b/vote/", {"value": "skip"})
    client.post("/tools/code-llama-4/bookmark/", {"action": "add"})
    cache.clear()
    with django_assert_max_num_queries(8) as captured:
        content = client.get(URL).content.decode()
    assert len(captured.captured_queries) <= 8
    assert "0% ship · 1 vote" in content
    assert '<span id="bookmark-count" class="count">1</span>' in content
    pressed = re.findall(r'<button[^>]*aria-pressed="true"[^>]*>', content)
    # The skip button of Mistral 3B (its one vote widget) and one bookmark.
    assert len(pressed) == 2
    assert "You voted Skip" in content


def test_an_anonymous_reader_costs_fewer_queries_than_a_visitor(
    client, reference_pair, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8) as anonymous:
        client.get(URL)
    client.post("/tools/mistral-3b/vote/", {"value": "skip"})
    cache.clear()
    with django_assert_max_num_queries(8) as visitor:
        client.get(URL)
    assert len(anonymous.captured_queries) < len(visitor.captured_queries)


def test_it_links_to_compare_something_else(client, reference_pair, neighbours):
    content = client.get(URL).content.decode()
    section = content.split('id="related-title"', 1)[1]
    assert '<a href="/compare/">Compare something else →</a>' in section
    assert 'href="/compare/code-llama-4-vs-neighbour-0/"' in section
