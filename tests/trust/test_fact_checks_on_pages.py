"""Sourced, dated facts on the tool and compare pages: when checked, where from, on whose word,
and a note once a check is older than FACT_STALE_DAYS."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import forget_pages
from tests.trust.conftest import CorrectionFactory, FactCheckFactory, days_ago, text_of
from trust.models import Correction, Fact, FactCheck

pytestmark = pytest.mark.django_db

TOOL = "/tools/code-llama-4/"
COMPARE = "/compare/code-llama-4-vs-mistral-3b/"
STALE = "may be out of date"


def test_a_fresh_check_shows_its_date_basis_and_source_next_to_the_fact(client, fully_checked):
    content = client.get(TOOL).content.decode()
    shown = text_of(client.get(TOOL))
    when = days_ago(7).strftime("%-d %b %Y")
    pricing = "Free (open weights under Llama 4 community license)"
    assert f"Pricing: {pricing} Checked by us · {when}" in shown
    assert f"Licence: Llama 4 Community License Checked by us · {when}" in shown
    assert f"Maker: Meta Checked by us · {when}" in shown
    assert '<a href="https://www.llama.com/pricing" rel="noopener nofollow">source' in content
    assert STALE not in shown


def test_a_check_older_than_the_setting_says_it_may_be_out_of_date(client, reference_pair):
    FactCheckFactory(tool=reference_pair[0], fact=Fact.LICENCE, checked_on=days_ago(91))
    FactCheckFactory(tool=reference_pair[0], fact=Fact.PRICING, checked_on=days_ago(90))
    shown = text_of(client.get(TOOL))
    old = days_ago(91).strftime("%-d %b %Y")
    assert f"Licence: Llama 4 Community License Checked by us · last checked {old}, {STALE}" in (
        shown
    )
    assert shown.count(STALE) == 1  # 90 days old is not yet "older than 90 days"


def test_the_limit_is_a_setting(client, settings, reference_pair):
    settings.FACT_STALE_DAYS = 30
    FactCheckFactory(tool=reference_pair[0], fact=Fact.PRICING, checked_on=days_ago(31))
    assert STALE in text_of(client.get(TOOL))
    settings.FACT_STALE_DAYS = 31
    forget_pages()
    assert STALE not in text_of(client.get(TOOL))


def test_a_check_goes_stale_as_the_days_pass(client, reference_pair):
    today = timezone.localdate()
    FactCheckFactory(tool=reference_pair[0], fact=Fact.PRICING, checked_on=today)
    with time_machine.travel(today + datetime.timedelta(days=90), tick=False):
        assert STALE not in text_of(client.get(TOOL))
    with time_machine.travel(today + datetime.timedelta(days=91), tick=False):
        # A page already built is kept at most PAGE_TIMEOUT (an hour) past the day it turns.
        forget_pages()
        assert f"last checked {today.strftime('%-d %b %Y')}, {STALE}" in text_of(client.get(TOOL))


def test_a_makers_claim_is_labelled_as_such(client, reference_pair):
    FactCheckFactory(tool=reference_pair[0], fact=Fact.PRICING, basis=FactCheck.Basis.CLAIMED)
    FactCheckFactory(tool=reference_pair[0], fact=Fact.LICENCE, basis=FactCheck.Basis.CHECKED)
    shown = text_of(client.get(TOOL))
    assert "community license) Claimed by the maker ·" in shown
    assert "Llama 4 Community License Checked by us ·" in shown


def test_a_fact_never_checked_claims_nothing(client, reference_pair):
    shown = text_of(client.get(TOOL))
    assert "Pricing: Free (open weights under Llama 4 community license) Licence:" in shown
    assert "Checked by us" not in shown and "Claimed by the maker" not in shown


def test_the_compare_table_labels_each_fact_of_each_tool(client, reference_pair):
    code_llama, mistral = reference_pair
    FactCheckFactory(tool=code_llama, fact=Fact.PRICING, basis=FactCheck.Basis.CLAIMED)
    FactCheckFactory(tool=mistral, fact=Fact.PRICING, checked_on=days_ago(200))
    FactCheckFactory(tool=mistral, fact=Fact.MAKER, basis=FactCheck.Basis.CHECKED)
    shown = text_of(client.get(COMPARE))
    table = shown[shown.index("Price, licence, maker") : shown.index("Why the critics say so")]
    old = days_ago(200).strftime("%-d %b %Y")
    today = timezone.localdate().strftime("%-d %b %Y")
    # The compare page's narrow columns get the short label; the date links to the source.
    assert (
        f"Entry price Free Maker's claim {today} (Claimed by the maker; the date links to the "
        f"source) Free Checked, last {old}: {STALE} (Checked by us; the date links"
    ) in table
    assert f"Maker Meta Mistral AI Checked {today} (Checked by us;" in table
    assert table.count("Claimed by the maker") == 1


@pytest.mark.parametrize("path", [TOOL, COMPARE])
def test_editing_a_check_purges_the_cached_page(client, reference_pair, path):
    check = FactCheckFactory(tool=reference_pair[0], fact=Fact.PRICING)
    assert "Checked by us" in text_of(client.get(path))
    assert client.get(path)["Cache-Control"].startswith("public")  # kept for everyone
    check.basis = FactCheck.Basis.CLAIMED
    check.save()
    shown = text_of(client.get(path))
    assert "Claimed by the maker" in shown and "Checked by us" not in shown
    check.delete()
    assert "Claimed by the maker" not in text_of(client.get(path))


@pytest.mark.parametrize("path", [TOOL, COMPARE])
def test_checks_and_corrections_cost_no_query(
    client, reference_pair, path, django_assert_num_queries
):
    # The tools, the panel, the reviews, the related tools (and on a tool page, its verdict
    # history).
    budget = 5 if path == TOOL else 4
    forget_pages()
    with django_assert_num_queries(budget):
        assert client.get(path).status_code == 200
    for tool in reference_pair:
        for fact in (Fact.PRICING, Fact.LICENCE, Fact.MAKER):
            FactCheckFactory(tool=tool, fact=fact)
        for _ in range(3):
            CorrectionFactory(
                tool=tool, status=Correction.Status.ACCEPTED, handled_at=timezone.now()
            )
    forget_pages()
    with django_assert_num_queries(budget):
        shown = text_of(client.get(path))
    assert shown.count("Checked by us") == (3 if path == TOOL else 6)


def test_the_methodology_page_says_how_facts_are_dated_from_the_settings(client, settings):
    settings.FACT_STALE_DAYS = 45
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "correction": {"ip": "4/h", "visitor": "4/h"}}
    shown = text_of(client.get("/methodology/"))
    assert "more than 45 days ago says it may be out of date" in shown
    assert "(4/h reports per address)" in shown
