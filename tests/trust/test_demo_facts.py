"""`make run` shows a stale fact and a maker's claim (fixtures/trust_demo.json)."""

import pytest
from django.core.management import call_command

from tests.trust.conftest import text_of
from trust.models import Correction, FactCheck

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_stale_fact_a_claim_and_a_correction(client):
    for _ in range(2):  # idempotent, like the demo fixture
        call_command("loaddata", "demo", "trust_demo", verbosity=0)
    assert FactCheck.objects.stale().exists()
    assert FactCheck.objects.filter(basis=FactCheck.Basis.CLAIMED).exists()
    shown = text_of(client.get("/compare/code-llama-4-vs-mistral-3b/"))
    assert "Claimed by the maker" in shown
    assert "may be out of date" in shown
    assert "Corrected 24 Nov 2026: pricing details" in text_of(client.get("/tools/code-llama-4/"))
    assert Correction.objects.filter(status=Correction.Status.NEW).exists()
