"""`make run` imports the Makefile's DEMO_MODELS from the installed snapshot, published."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from modelspecs.models import ModelSpec
from tools.models import Tool

pytestmark = pytest.mark.django_db

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


def demo_models() -> list[str]:
    text = MAKEFILE.read_text().replace("\\\n", " ")
    return re.search(r"^DEMO_MODELS := (.+)$", text, re.M).group(1).split()


def test_every_demo_model_is_in_the_installed_snapshot_and_comes_in_published(client):
    models = demo_models()
    assert 20 <= len(models) <= 60  # tens, not thousands
    arguments = [argument for model in models for argument in ("--model", model)]
    out = StringIO()
    call_command("import_models_dev", "--publish", *arguments, stdout=out, stderr=out)
    assert f"{len(models)} new, 0 updated, 0 unchanged, 0 skipped" in out.getvalue()
    assert Tool.objects.published().count() == len(models) == ModelSpec.objects.count()

    response = client.get("/compare/claude-sonnet-4-6-vs-gemini-3-5-flash-vs-gpt-5-5/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Input, per 1M tokens" in content and "Context window" in content
    assert 'id="cost-title"' in content
