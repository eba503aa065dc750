"""Badges (tools/share.py): an SVG to embed and shields.io's endpoint JSON for every published
tool, saying the panel's verdict or an unreviewed model's price, cacheable and current."""

import json
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import ToolFactory
from tests.modelspecs.test_pick_by_the_numbers import model
from tools.models import OldSlug, Tool
from verdicts.models import Review

pytestmark = pytest.mark.django_db


def panel_message(slug: str) -> str:
    panel = Tool.objects.for_cards().get(slug=slug).panel
    return f"{panel.label} {panel.average_display}"


@pytest.fixture
def tools(reference_pair):
    """(slug, the message its badge must say, shields colour) for each kind of tool."""
    model("Lab Fast", "0.15", "0.6")
    ToolFactory(name="Plain Tool", slug="plain-tool")
    return [
        ("code-llama-4", panel_message("code-llama-4"), "brightgreen"),
        ("lab-fast", "$0.15 / $0.60 per 1M", "blue"),
        ("plain-tool", "Not reviewed yet", "lightgrey"),
    ]


def test_each_tool_has_an_svg_badge_saying_its_verdict_or_figures(tools):
    for slug, message, _ in tools:
        response = Client().get(f"/tools/{slug}/badge.svg")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        svg = ET.fromstring(response.content)
        assert svg.get("height") == "20" and int(svg.get("width")) > 60
        texts = [unescape(text.text) for text in svg.iter("{http://www.w3.org/2000/svg}text")]
        assert texts == [settings.SITE_NAME, message], slug
        assert svg.get("aria-label") == f"{settings.SITE_NAME}: {message}"


def test_each_tool_has_a_shields_endpoint(tools):
    for slug, message, colour in tools:
        response = Client().get(f"/tools/{slug}/badge.json")
        assert response["Content-Type"] == "application/json"
        assert json.loads(response.content) == {
            "schemaVersion": 1,
            "label": settings.SITE_NAME,
            "message": message,
            "color": colour,
        }


@pytest.mark.parametrize("kind", ["svg", "json"])
def test_badges_are_cacheable_revalidate_and_name_their_tool(reference_pair, kind):
    tool = reference_pair[0]
    first = Client().get(f"/tools/{tool.slug}/badge.{kind}")
    assert first["Cache-Control"].startswith("public, max-age=3600, s-maxage=")
    assert f"tool-{tool.pk}" in first["Surrogate-Key"].split()
    assert first["Access-Control-Allow-Origin"] == "*"
    again = Client().get(f"/tools/{tool.slug}/badge.{kind}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_a_changed_verdict_changes_the_badge(reference_pair):
    before = Client().get("/tools/code-llama-4/badge.svg")
    for review in Review.objects.filter(tool=reference_pair[0]):
        review.score, review.verdict = 20, "skip"
        review.save()
    after = Client().get("/tools/code-llama-4/badge.svg", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "Skip 20/100" in after.content.decode()
    assert "#b42318" in after.content.decode()


def test_drafts_and_unknown_tools_have_no_badge_and_renamed_ones_lead_on(reference_pair):
    ToolFactory(name="Secret", slug="secret", status="draft")
    for path in ("/tools/secret/badge.svg", "/tools/nobody/badge.json", "/tools/x/badge.png"):
        assert Client().get(path).status_code == 404
    OldSlug.objects.create(tool=reference_pair[0], slug="code-llama-old")
    moved = Client().get("/tools/code-llama-old/badge.svg")
    assert moved.status_code == 301
    assert moved["Location"] == "/tools/code-llama-4/badge.svg"


def test_the_tool_page_offers_the_badge_code_with_a_link_back(reference_pair):
    html = unescape(Client().get("/tools/code-llama-4/").content.decode())
    page = f"{settings.SITE_URL}/tools/code-llama-4/"
    badge = f"{settings.SITE_URL}/tools/code-llama-4/badge.svg"
    message = panel_message("code-llama-4")
    assert f'<img src="/tools/code-llama-4/badge.svg" alt="{settings.SITE_NAME}: {message}"' in html
    assert f"[![{settings.SITE_NAME}: {message}]({badge})]({page})" in html
    assert f'<a href="{page}"><img src="{badge}"' in html
    assert "img.shields.io/endpoint?url=" in html
