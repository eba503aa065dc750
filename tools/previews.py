"""Preview images: the 1200 x 630 picture a chat or a social post shows for a link to a
comparison or a tool page (`og:image`).

A `Card` holds what the picture says, taken from the page's own context (the same pick and
figures the page states); `Card.version` is a digest of it, part of the image's address, so a
changed verdict or price gives a new address and never an old picture. `Card.png()` draws it
with Pillow and the DejaVu fonts kept in tools/fonts/ (no browser, no network).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont

from modelspecs.formats import dollars, tokens
from modelspecs.models import spec_of
from verdicts.panel import SHIP, SKIP

WIDTH, HEIGHT = 1200, 630
FONTS = Path(__file__).resolve().parent / "fonts"
DRAWING = "1"  # change when the drawing changes: every picture gets a new address

# One palette, opaque, readable on a chat's light or dark background alike.
PAPER = "#f6f5f0"
INK = "#16181d"
MUTED = "#5b616e"
RULE = "#d9d7cf"
GREEN = "#1a7f37"  # ship, a pick
RED = "#b42318"  # skip
PICKED = "#e3f1e6"
MARGIN = 60


@dataclass(frozen=True)
class Row:
    name: str
    first: str  # the panel's score and verdict, or the context window
    second: str  # input / output price per 1M tokens, or the entry price
    picked: bool = False
    tone: str = ""  # "ship" or "skip": the colour of `first`


@dataclass(frozen=True)
class Card:
    eyebrow: str
    title: str
    headline: str  # the pick, as the page states it
    picked: bool  # whether the headline names a pick
    columns: tuple[str, str]
    rows: tuple[Row, ...]
    footer: str

    @property
    def version(self) -> str:
        return hashlib.blake2s(repr((DRAWING, self)).encode(), digest_size=6).hexdigest()

    @property
    def alt(self) -> str:
        figures = "; ".join(f"{row.name}: {row.first}, {row.second}" for row in self.rows)
        return f"{self.title}. {self.headline}. {figures}."

    def png(self) -> bytes:
        return draw(self)


def panel_figure(tool) -> tuple[str, str]:
    """ "84/100 · Ship" and its tone ("ship", "skip" or "" for a split panel)."""
    panel = tool.panel
    if not panel.reviewed:
        return panel.label, ""
    return f"{panel.average_display} · {panel.label}", panel.verdict


def price_figure(tool) -> str:
    spec = getattr(tool, "model_spec", None)
    if spec is not None and spec.has_prices:
        return f"{dollars(spec.input_price)} / {dollars(spec.output_price)} per 1M"
    if spec is not None:
        return "No price"
    return tool.price_summary


def context_figure(tool) -> str:
    spec = getattr(tool, "model_spec", None)
    if spec is not None and spec.context_window:
        return f"{tokens(spec.context_window)} tokens"
    return "–"


def tool_row(tool, with_panel: bool, picked: bool = False) -> Row:
    if with_panel:
        first, tone = panel_figure(tool)
    else:
        first, tone = context_figure(tool), ""
    return Row(tool.name, first, price_figure(tool), picked, tone)


def compare_card(context: dict, site: str) -> Card:
    """The comparison's picture: its pick (the panel's, or the figures' where the page leads
    with them) and each tool's row of the page's "at a glance" strip."""
    tools, verdict, numbers = context["tools"], context["verdict"], context["numbers"]
    with_panel = bool(context["scorecard"])
    if context["lead_numbers"]:
        headline, pick = numbers.headline, numbers.overall
    else:
        headline, pick = verdict.headline, verdict.pick
    return Card(
        eyebrow="AI tool comparison",
        title=" vs ".join(tool.name for tool in tools),
        headline=headline,
        picked=pick is not None,
        columns=("Panel" if with_panel else "Context", "$/1M in / out" if numbers else "Price"),
        rows=tuple(tool_row(tool, with_panel, tool == pick) for tool in tools),
        footer=site,
    )


def tool_card(context: dict, site: str) -> Card:
    """A tool's picture: the panel's verdict where it has one, else its figures."""
    tool, spec = context["tool"], context["spec"]
    panel = tool.panel
    figure, tone = panel_figure(tool)
    rows = [Row("Price", price_figure(tool), "")]
    if spec:
        rows.append(Row("Context", context_figure(tool), ""))
    if panel.reviewed:
        headline = f"The panel says {panel.label}: {panel.average_display}"
        rows.append(Row("Critics", panel.counts, ""))
    elif spec and spec.has_prices:
        prices = f"{dollars(spec.input_price)} in / {dollars(spec.output_price)} out"
        headline = f"{prices} per 1M tokens"
        rows.append(Row("Panel", figure, ""))
    else:
        headline = figure
    rows.append(Row("Community", tool.community.short, ""))
    return Card(
        eyebrow=f"{tool.category.name} · by {tool.maker}",
        title=tool.name,
        headline=headline,
        picked=tone == SHIP,
        columns=("", ""),
        rows=tuple(rows),
        footer=site,
    )


def site_name() -> str:
    return urlsplit(settings.SITE_URL).netloc or settings.SITE_NAME


def compare_preview_url(pair: str, context: dict) -> tuple[Card, str]:
    card = compare_card(context, site_name())
    return card, reverse("tools:compare_preview", args=[pair, card.version])


def tool_preview_url(slug: str, context: dict) -> tuple[Card, str]:
    card = tool_card(context, site_name())
    return card, reverse("tools:tool_preview", args=[slug, card.version])


def badge_message(tool) -> tuple[str, str]:
    """ "Ship 82/100" and its verdict, or the figures ("$0.15 / $0.60 per 1M") of an
    unreviewed model, or "Not reviewed yet"."""
    panel = tool.panel
    if panel.reviewed:
        return f"{panel.label} {panel.average_display}", panel.verdict
    spec = spec_of(tool)
    if spec is not None and spec.has_prices:
        return f"{dollars(spec.input_price)} / {dollars(spec.output_price)} per 1M", ""
    return panel.label, ""


def badge_snippets(tool, message: str) -> dict[str, str]:
    """What the tool page offers to paste: the badge as HTML and Markdown, linked back, and the
    shields.io address of its endpoint JSON."""
    page = settings.SITE_URL + tool.get_absolute_url()
    image = settings.SITE_URL + reverse("tools:badge", args=[tool.slug, "svg"])
    endpoint = settings.SITE_URL + reverse("tools:badge", args=[tool.slug, "json"])
    alt = f"{settings.SITE_NAME}: {message}"
    return {
        "badge_alt": alt,
        "badge_html": f'<a href="{page}"><img src="{image}" alt="{escape(alt)}" height="20"></a>',
        "badge_markdown": f"[![{alt}]({image})]({page})",
        "badge_shields": f"https://img.shields.io/endpoint?url={quote(endpoint, safe='')}",
    }


@lru_cache(maxsize=32)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def fitted(text: str, width: int, size: int, bold: bool = False, smallest: int = 28):
    """The largest font from `size` down to `smallest` that fits `text` in `width`, and the
    text, shortened with an ellipsis if even the smallest does not."""
    while size > smallest and font(size, bold).getlength(text) > width:
        size -= 2
    face = font(size, bold)
    while face.getlength(text) > width and len(text) > 1:
        text = text[:-2].rstrip() + "…"
    return face, text


def draw(card: Card) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    pen = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN
    # The site's mark and the kind of page.
    pen.rounded_rectangle((MARGIN, 44, MARGIN + 44, 88), radius=8, fill=INK)
    pen.text((MARGIN + 22, 66), "S", font=font(30, True), fill=PAPER, anchor="mm")
    pen.text((MARGIN + 60, 66), "Shiplist", font=font(30, True), fill=INK, anchor="lm")
    face, eyebrow = fitted(card.eyebrow.upper(), inner - 260, 22, smallest=16)
    pen.text((WIDTH - MARGIN, 66), eyebrow, font=face, fill=MUTED, anchor="rm")
    # What is compared, and the pick.
    face, title = fitted(card.title, inner, 64, bold=True, smallest=34)
    pen.text((MARGIN, 150), title, font=face, fill=INK, anchor="lm")
    face, headline = fitted(("✓ " if card.picked else "") + card.headline, inner, 40, bold=True)
    pen.text((MARGIN, 222), headline, font=face, fill=GREEN if card.picked else INK, anchor="lm")
    # The figures, one row a tool (or a fact).
    top, height = 272, min(72, (HEIGHT - 100 - 272) // max(len(card.rows), 1))
    columns = (MARGIN + 20, MARGIN + 470, MARGIN + 790)
    if any(card.columns):
        for x, label in zip(columns[1:], card.columns, strict=True):
            pen.text((x, top + 4), label.upper(), font=font(18, True), fill=MUTED, anchor="lt")
        top += 30
    for number, row in enumerate(card.rows):
        y = top + number * height
        if row.picked:
            pen.rounded_rectangle((MARGIN, y + 4, WIDTH - MARGIN, y + height - 4), 10, PICKED)
        else:
            pen.line((MARGIN, y + height - 2, WIDTH - MARGIN, y + height - 2), fill=RULE, width=2)
        middle = y + height // 2
        label = ("✓ " if row.picked else "") + row.name
        face, name = fitted(label, 430, 32, bold=True, smallest=22)
        pen.text((columns[0], middle), name, font=face, fill=INK, anchor="lm")
        colour = {SHIP: GREEN, SKIP: RED}.get(row.tone, INK)
        width = (columns[2] - columns[1] - 20) if row.second else (WIDTH - MARGIN - columns[1])
        face, first = fitted(row.first, width, 30, bold=bool(row.tone), smallest=20)
        pen.text((columns[1], middle), first, font=face, fill=colour, anchor="lm")
        if row.second:
            face, second = fitted(row.second, WIDTH - MARGIN - columns[2], 28, smallest=18)
            pen.text((columns[2], middle), second, font=face, fill=INK, anchor="lm")
    pen.text((MARGIN, HEIGHT - 48), card.footer, font=font(24), fill=MUTED, anchor="lm")
    pen.text(
        (WIDTH - MARGIN, HEIGHT - 48),
        "Panel scores · community votes · real prices",
        font=font(22),
        fill=MUTED,
        anchor="rm",
    )
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
