"""Ways in that lead somewhere: comparison cards say whose each verdict is, featured pairs are
never two unreviewed tools nor a pair shown twice, and /compare/ offers comparisons beside its
form."""

import re

import pytest
from django.core.cache import cache

from tests.factories import ToolFactory
from tests.tools.test_compare_page import text_of
from tools.views import featured_pairs

pytestmark = pytest.mark.django_db


def test_a_popular_comparison_card_says_whose_each_verdict_is(client, reference_pair):
    from tools.models import ComparisonView

    ComparisonView.objects.create(pair="code-llama-4-vs-mistral-3b", views=5)
    cache.clear()
    text = text_of(client.get("/"))
    assert "Code Llama 4 vs Mistral 3B Code Llama 4: ✓ Ship Mistral 3B: ✓ Ship" in text


def test_featured_pairs_skip_two_unreviewed_tools_and_pairs_already_shown(reference_pair):
    code_llama, mistral = reference_pair
    new_a = ToolFactory(category=code_llama.category)
    new_b = ToolFactory(category=code_llama.category)
    from tools.models import Tool

    # A shelf of four: two reviewed tools, then two nobody reviewed.
    shelf = [
        Tool.objects.with_panel_summary().get(pk=tool.pk)
        for tool in (code_llama, mistral, new_a, new_b)
    ]
    pairs = featured_pairs([shelf[1:]])  # Mistral 3B and the two unreviewed tools
    assert {frozenset((first.pk, second.pk)) for first, second in pairs} == {
        frozenset((mistral.pk, new_a.pk)),
        frozenset((mistral.pk, new_b.pk)),
    }
    pairs = featured_pairs([shelf[:3]])
    keys = [frozenset((first.pk, second.pk)) for first, second in pairs]
    assert len(keys) == len(set(keys))
    assert frozenset((new_a.pk, new_b.pk)) not in keys
    assert all(first.panel.reviewed or second.panel.reviewed for first, second in pairs)
    already = featured_pairs([shelf[:3]], shown=[[code_llama, mistral]])
    assert frozenset((code_llama.pk, mistral.pk)) not in [
        frozenset((first.pk, second.pk)) for first, second in already
    ]


def test_the_compare_page_offers_comparisons_beside_the_form(client, reference_pair, neighbours):
    from tools.models import ComparisonView

    ComparisonView.objects.create(pair="code-llama-4-vs-mistral-3b", views=5)
    content = client.get("/compare/").content.decode()
    assert "What others compare" in content
    assert 'href="/compare/code-llama-4-vs-mistral-3b/"' in content
    assert re.search(r": the panel's comparisons</h2>", content)
    assert client.get("/compare/").status_code == 200
