"""Preview images (tools/previews.py, tools/share.py): every comparison and tool page names a
1200 x 630 PNG that states the page's pick and figures; a changed verdict gives a new address,
and the old one leads to the new picture."""

import io
import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from tests.modelspecs.test_pick_by_the_numbers import model
from verdicts.models import Review

pytestmark = pytest.mark.django_db

PAIR = "/compare/code-llama-4-vs-mistral-3b/"


def meta(html: str) -> dict[str, str]:
    """The page's <meta property|name=... content=...> tags."""
    found = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html)
    return {name: unescape(content) for name, content in found}


def picture_of(path: str) -> tuple[dict, str]:
    tags = meta(Client().get(path).content.decode())
    return tags, urlsplit(tags["og:image"]).path


@pytest.fixture
def models():
    return [
        model("Lab Fast", "0.15", "0.6", context_window=128_000),
        model("Lab Large", "3", "15"),
        model("Lab Mini", "0.05", "0.2", context_window=32_000),
    ]


@pytest.fixture
def pages(reference_pair, models):
    """(address, words the picture's alt text must hold) of every kind of page with one."""
    return [
        (PAIR, ["Code Llama 4 vs Mistral 3B", "Code Llama 4:", "Mistral 3B:", "/100"]),
        ("/compare/lab-fast-vs-lab-large/", ["Lab Fast vs Lab Large", "By the numbers"]),
        (
            "/compare/lab-fast-vs-lab-large-vs-lab-mini/",
            ["Lab Fast vs Lab Large vs Lab Mini", "$0.05 / $0.20 per 1M"],
        ),
        ("/tools/code-llama-4/", ["Code Llama 4", "The panel says Ship: ", "ship /"]),
        ("/tools/lab-fast/", ["Lab Fast", "Not reviewed yet", "$0.15 / $0.60 per 1M", "128K"]),
    ]


def test_each_page_names_its_picture_with_the_full_tag_set(pages):
    for path, words in pages:
        tags, image = picture_of(path)
        assert tags["og:image"].startswith(settings.SITE_URL + path), path
        assert image.endswith(".png")
        assert tags["og:image:width"] == "1200" and tags["og:image:height"] == "630"
        assert tags["og:image:type"] == "image/png"
        assert tags["twitter:card"] == "summary_large_image"
        assert tags["og:url"] == settings.SITE_URL + path
        for word in words:
            assert word in tags["og:image:alt"], (path, word, tags["og:image:alt"])


def test_each_picture_is_a_1200_by_630_png_cached_with_its_pages_keys(pages):
    for path, _ in pages:
        _, image = picture_of(path)
        response = Client().get(image)
        assert response.status_code == 200, path
        assert response["Content-Type"] == "image/png"
        with Image.open(io.BytesIO(response.content)) as png:
            assert (png.format, png.size) == ("PNG", (1200, 630))
        assert response["Cache-Control"].startswith("public, max-age=86400, s-maxage=")
        page_keys = set(Client().get(path)["Surrogate-Key"].split())
        assert set(response["Surrogate-Key"].split()) == page_keys
        assert Client().get(image).content == response.content  # drawn once, then kept


def test_a_changed_verdict_gives_a_new_picture_and_the_old_address_leads_to_it(reference_pair):
    _, old = picture_of(PAIR)
    old_png = Client().get(old).content
    for review in Review.objects.filter(tool=reference_pair[0]):
        review.score, review.verdict = 30, "skip"
        review.save()
    after, new = picture_of(PAIR)
    assert new != old
    assert "30/100 · Skip" in after["og:image:alt"]
    moved = Client().get(old)
    assert moved.status_code == 302
    assert moved["Location"] == new
    assert "s-maxage=" in moved["Cache-Control"]
    assert Client().get(new).content != old_png


def test_a_price_change_gives_a_new_picture(models):
    _, old = picture_of("/tools/lab-fast/")
    spec = models[0].model_spec
    spec.input_price = spec.input_price / 2
    spec.save()
    tags, new = picture_of("/tools/lab-fast/")
    assert new != old and "$0.075" in tags["og:image:alt"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/compare/code-llama-4-vs-nobody/preview-abc.png", 404),
        ("/tools/nobody/preview-abc.png", 404),
        ("/compare/not-a-pair/preview-abc.png", 404),
        ("/compare/code-llama-4-vs-mistral-3b/preview-XYZ.png", 404),
        ("/tools/code-llama-4/preview-.png", 404),
    ],
)
def test_bad_picture_addresses_are_404s(reference_pair, path, status):
    assert Client().get(path).status_code == status


def test_a_reordered_or_renamed_address_leads_to_the_picture(reference_pair):
    response = Client().get("/compare/mistral-3b-vs-code-llama-4/preview-abc.png", follow=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.redirect_chain[0][0] == "/compare/code-llama-4-vs-mistral-3b/preview-0.png"


@pytest.mark.parametrize(
    ("path", "title", "description"),
    [
        ("/", "AI tools compared", "panel"),
        ("/tools/", "All AI tools", "Every AI tool"),
        ("/categories/developer-tools/", "Developer Tools: 2 AI tools", "ranked by"),
    ],
)
def test_listing_pages_say_what_they_list(reference_pair, path, title, description):
    tags = meta(Client().get(path).content.decode())
    assert title in tags["og:title"]
    assert description in tags["og:description"]
    assert tags["og:title"] != settings.SITE_NAME


def test_the_pick_is_drawn_in_green_a_skip_in_red_and_long_names_fit():
    from dataclasses import replace

    from tools.previews import Card, Row

    rows = (
        Row("A name far too long to fit " * 4, "75/100 · Ship", "$1 / $2", True, "ship"),
        Row("Another", "40/100 · Skip", "Free", False, "skip"),
    )
    card = Card("Comparison", "Title " * 40, "Panel pick: A", True, ("P", "$"), rows, "x.org")

    def colours(picture: Card, box) -> set:
        with Image.open(io.BytesIO(picture.png())) as png:
            assert png.size == (1200, 630)
            return set(png.convert("RGB").crop(box).get_flattened_data())

    green, red = (0x1A, 0x7F, 0x37), (0xB4, 0x23, 0x18)
    assert green in colours(card, (0, 195, 1200, 250))  # the headline
    assert green not in colours(replace(card, picked=False), (0, 195, 1200, 250))
    assert red in colours(card, (500, 380, 800, 440))  # the second row's verdict
