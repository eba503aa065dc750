"""What readers share: the preview image of a comparison or a tool page (tools/previews.py),
and a tool's badge (SVG, or shields.io's endpoint JSON).

The image's address carries its version (a digest of what it shows). The view runs the page's
own view, so the picture states the page's pick and figures; an address with an old version is
sent on to the current one, so a changed verdict never shows an old picture. PNGs are kept in
the cache under their version and sent with the page's keys, so shared caches purge them with
the page.
"""

from __future__ import annotations

import hashlib
import json
import logging
from html import escape
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect
from django.utils.http import parse_etags, quote_etag
from django.views.decorators.http import require_safe

from core import keys
from core.pages import Page, anonymous_request, editorial
from core.publishing import live_q
from tools.models import OldSlug, Tool
from tools.previews import badge_message, font
from tools.views import compare_page, tool_detail_page
from verdicts.panel import SHIP, SKIP, SPLIT

logger = logging.getLogger(__name__)

PNG_TIMEOUT = 30 * 24 * 60 * 60  # a version's picture never changes: kept until evicted


def picture(page: Page | HttpResponse, version: str) -> HttpResponse:
    """The page's picture at `version`, or a redirect to its current version."""
    if isinstance(page, HttpResponse):
        return follow(page)
    card, url = page.context["share_card"], page.context["share_card_url"]
    names = " ".join(editorial(page))
    if version != card.version:
        response: HttpResponse = redirect(url)
        response["Cache-Control"] = f"public, max-age=0, s-maxage={settings.TALLY_WINDOW_SECONDS}"
        response["Surrogate-Key"] = names
        return response
    key = f"preview-png:{card.version}"
    try:
        png = cache.get(key)
    except Exception:
        logger.warning("cache unavailable: drawing %s", url)
        png = None
    if png is None:
        png = card.png()
        try:
            cache.set(key, png, PNG_TIMEOUT)
        except Exception:
            logger.warning("cache unavailable: not keeping %s", url)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = (
        f"public, max-age=86400, s-maxage={settings.PAGE_S_MAXAGE}, "
        f"stale-if-error={settings.PAGE_STALE_IF_ERROR}"
    )
    response["Surrogate-Key"] = names
    response["Cache-Tag"] = ",".join(names.split())
    return response


def follow(response: HttpResponse) -> HttpResponse:
    """A page's redirect (a renamed tool, a reordered pair) made the same redirect for its
    picture; any other answer (a 404) as it is."""
    parts = [part for part in urlsplit(response.get("Location", "")).path.split("/") if part]
    views = {"compare": "tools:compare_preview", "tools": "tools:tool_preview"}
    if response.status_code not in (301, 302) or len(parts) != 2 or parts[0] not in views:
        return response
    return redirect(views[parts[0]], parts[1], "0", permanent=response.status_code == 301)


@require_safe
def compare_preview(request: HttpRequest, pair: str, version: str) -> HttpResponse:
    return picture(compare_page(anonymous_request(request), pair), version)


@require_safe
def tool_preview(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    return picture(tool_detail_page(anonymous_request(request), slug), version)


# --- Badges ------------------------------------------------------------------------------------

BADGE_COLOURS = {SHIP: "#1a7f37", SKIP: "#b42318", SPLIT: "#9a6700"}
SHIELDS_COLOURS = {SHIP: "brightgreen", SKIP: "red", SPLIT: "yellow"}
FIGURES_COLOUR = "#0969da"  # an unreviewed model: its price, not a verdict


def badge_svg(label: str, message: str, colour: str) -> str:
    """A flat badge in the shields.io shape: the label on grey, the message on its colour."""
    face = font(11)
    left, right = round(face.getlength(label)) + 12, round(face.getlength(message)) + 12
    width = left + right
    title = escape(f"{label}: {message}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" '
        f'aria-label="{title}"><title>{title}</title>'
        f'<clipPath id="r"><rect width="{width}" height="20" rx="3"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}"/></g>'
        '<g fill="#fff" font-family="DejaVu Sans,Verdana,Geneva,sans-serif" font-size="11">'
        f'<text x="6" y="14">{escape(label)}</text>'
        f'<text x="{left + 6}" y="14">{escape(message)}</text></g></svg>'
    )


@require_safe
def badge(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """A tool's badge: SVG to embed, or the JSON of shields.io's endpoint badge."""
    tool = Tool.objects.published().for_cards().select_related("model_spec").filter(slug=slug)
    tool = tool.first()
    if tool is None:
        renamed = OldSlug.objects.filter(live_q("tool__"), slug=slug).values_list("tool__slug")
        if current := renamed.first():
            return redirect("tools:badge", slug=current[0], kind=kind, permanent=True)
        return HttpResponse("No such tool.", status=404, content_type="text/plain")
    message, verdict = badge_message(tool)
    if kind == "json":
        body = json.dumps(
            {
                "schemaVersion": 1,
                "label": settings.SITE_NAME,
                "message": message,
                "color": SHIELDS_COLOURS.get(verdict, "blue" if "$" in message else "lightgrey"),
            }
        )
        content_type = "application/json"
    else:
        colour = BADGE_COLOURS.get(verdict, FIGURES_COLOUR if "$" in message else "#6e7781")
        body = badge_svg(settings.SITE_NAME, message, colour)
        content_type = "image/svg+xml"
    etag = quote_etag(hashlib.blake2s(body.encode(), digest_size=10).hexdigest())
    if etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=content_type)
    names = " ".join(sorted({keys.tool(tool.pk).name, keys.PANEL.name}))
    response["ETag"] = etag
    response["Cache-Control"] = (
        f"public, max-age=3600, s-maxage={settings.PAGE_S_MAXAGE}, "
        f"stale-if-error={settings.PAGE_STALE_IF_ERROR}"
    )
    response["Surrogate-Key"] = names
    response["Cache-Tag"] = ",".join(names.split())
    response["Access-Control-Allow-Origin"] = "*"  # shields.io and README renderers fetch it
    # An SVG opened on its own runs no script and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
