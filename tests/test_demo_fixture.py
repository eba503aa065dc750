import pytest
from django.core.management import call_command

from tools.models import Category, Tool
from verdicts.models import Review, Reviewer, VerdictChange
from votes.models import Vote

pytestmark = pytest.mark.django_db


def test_the_demo_fixture_loads_into_an_empty_database_twice(client):
    call_command("loaddata", "demo", verbosity=0)
    counts = (Category.objects.count(), Tool.objects.count(), Review.objects.count())
    call_command("loaddata", "demo", verbosity=0)
    assert (Category.objects.count(), Tool.objects.count(), Review.objects.count()) == counts
    assert counts[0] >= 5 and counts[1] >= 24
    assert set(Reviewer.objects.values_list("slug", flat=True)) >= {
        "builder",
        "skeptic",
        "futurist",
        "founder",
    }
    for tool in Tool.objects.published():
        assert tool.reviews.count() == Reviewer.objects.count(), tool
    # A draft with a partial panel, for editors to preview; three dated verdict changes.
    draft = Tool.objects.get(status="draft")
    assert 0 < draft.reviews.count() < Reviewer.objects.count()
    assert VerdictChange.objects.public().exclude(reason="").count() >= 2


def test_the_demo_data_publishes_the_reference_comparison(client):
    call_command("loaddata", "demo", verbosity=0)
    code_llama = Tool.objects.with_panel_summary().get(slug="code-llama-4")
    mistral = Tool.objects.with_panel_summary().get(slug="mistral-3b")
    assert str(code_llama.panel) == "Ship · 3 ship / 1 skip"
    assert str(mistral.panel) == "Ship · 4 ship / 0 skip"
    assert not Vote.objects.filter(tool__in=[code_llama, mistral]).exists()
    assert Vote.objects.values("tool").distinct().count() >= 5
    scores = dict(code_llama.reviews.values_list("reviewer__slug", "score"))
    assert scores == {"builder": 84, "skeptic": 78, "futurist": 81, "founder": 55}
    response = client.get("/compare/code-llama-4-vs-mistral-3b/")
    assert response.status_code == 200
    assert "Free / Open-source (Apache 2.0)" in response.content.decode()
