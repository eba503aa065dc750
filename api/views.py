"""The public read-only API, version 1 (`/api/v1/`), on django-ninja.

Every answer is public, cacheable and purged like the pages (`cacheable`): an ETag (304 on a
match), `Cache-Control` for shared caches, the `Surrogate-Key` of what it shows, and CORS for any
origin. Only published tools are ever shown; nothing personal is read. A comparison is the
compare page's own view (tools/views.py `compare_page`), so its pick is the page's.
"""

from __future__ import annotations

import hashlib
import logging
from functools import wraps
from typing import Annotated, Literal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils.http import parse_etags, quote_etag
from django_ratelimit.core import get_usage
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.throttling import BaseThrottle
from pydantic import StringConstraints

from api.schemas import (
    CategoryOut,
    Comparison,
    CriticOut,
    Invalid,
    Problem,
    ToolOut,
    ToolPage,
)
from core import keys
from core.pages import Page, anonymous_request, versions
from core.publishing import live_q
from modelspecs.models import spec_of
from tools.compare import MAX_TOOLS, canonical_pair
from tools.directory import DirectoryQuery, directory_queryset
from tools.models import Category, OldSlug, Tool
from tools.views import compare_page
from verdicts.models import Reviewer

logger = logging.getLogger(__name__)

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# What any operation may answer besides its own: input no browser sends (core/middleware.py),
# and this address's limit (`PerAddress`).
REFUSALS = {400: Problem, 429: Problem}
# A tool as the API names it: its id, or its slug (or one it had before).
Reference = Annotated[str, StringConstraints(pattern=SLUG, max_length=80)]


class PerAddress(BaseThrottle):
    """The API's limit per address (settings.RATE_LIMITS["api"], the address as
    core/clientip.py reads it), counted by django-ratelimit like the site's other limits. The
    usage is kept on the request for the RateLimit-* headers (`cacheable`). A read stays open
    when the counters cannot be reached."""

    def allow_request(self, request: HttpRequest) -> bool:
        try:
            usage = get_usage(
                request,
                group="api:ip",
                key="ip",
                rate=settings.RATE_LIMITS["api"]["ip"],
                increment=True,
            )
        except Exception:
            logger.warning("rate limit store unavailable: the API answers unlimited")
            return True
        request.api_usage = usage
        return not usage["should_limit"]


class PublicAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        return cacheable(request, response)


def cacheable(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The page layer's rules for an API answer (core/pages.py `anonymous_response`)."""
    shown = getattr(request, "api_keys", [keys.TOOLS])
    names = " ".join(sorted({key.name for key in shown if not key.soft}))
    if response.status_code == 200:
        etag = quote_etag(hashlib.blake2s(response.content, digest_size=12).hexdigest())
        if etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
            response = HttpResponseNotModified()
        response["ETag"] = etag
    # Community figures change with votes: shared caches keep an answer a tally window at most.
    window = settings.TALLY_WINDOW_SECONDS
    response["Cache-Control"] = (
        f"public, max-age=0, s-maxage={window}, stale-while-revalidate={window}, "
        f"stale-if-error={settings.PAGE_STALE_IF_ERROR}"
    )
    response["Surrogate-Key"] = names
    response["Cache-Tag"] = ",".join(names.split())
    response["Access-Control-Allow-Origin"] = "*"
    exposed = ["ETag"]
    if usage := getattr(request, "api_usage", None):
        # This address's window (shared caches drop these from what they keep: the VCL).
        response["RateLimit-Limit"] = str(usage["limit"])
        response["RateLimit-Remaining"] = str(max(0, usage["limit"] - usage["count"]))
        response["RateLimit-Reset"] = str(max(1, usage["time_left"]))
        exposed += ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"]
        if response.status_code == 429:
            response["Retry-After"] = response["RateLimit-Reset"]
            response["Cache-Control"] = "no-store"  # this address's answer, nobody else's
    response["Access-Control-Expose-Headers"] = ", ".join(exposed)
    return response


api = PublicAPI(
    title=f"{settings.SITE_NAME} API",
    version="1",
    description=(
        "Read-only facts about published AI tools and models: the panel's verdicts, the "
        "community's votes, model prices and limits, and comparisons with their pick. "
        "Terms and examples: /api/."
    ),
    urls_namespace="api",
    throttle=[PerAddress()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def tool_out(tool: Tool) -> dict:
    spec = spec_of(tool)
    panel, community = tool.panel, tool.community
    return {
        "id": tool.pk,
        "slug": tool.slug,
        "name": tool.name,
        "maker": tool.maker,
        "category": tool.category.slug,
        "tagline": tool.tagline,
        "url": absolute(tool.get_absolute_url()),
        "pricing_model": tool.pricing_model,
        "entry_price": tool.entry_price,
        "licence": tool.licence,
        "website": tool.website,
        "release_date": tool.release_date,
        "panel": {
            "verdict": panel.verdict,
            "average_score": panel.average_score,
            "ships": panel.ships,
            "skips": panel.skips,
        },
        "community": {
            "ships": community.ships,
            "skips": community.skips,
            "ship_percent": community.ship_percent,
        },
        "model": None if spec is None else spec,
    }


def published() -> QuerySet:
    return directory_queryset().select_related("category")


def find(reference: str) -> Tool | None:
    """A published tool by id, slug or a slug it had before."""
    tools = published()
    if reference.isdigit() and len(reference) < 10:
        return tools.filter(pk=int(reference)).first()
    tool = tools.filter(slug=reference).first()
    if tool is None:
        renamed = OldSlug.objects.filter(live_q("tool__"), slug=reference).values("tool_id")
        tool = tools.filter(pk__in=renamed).first()
    return tool


class ToolFilters(Schema):
    category: str | None = Field(None, pattern=SLUG, max_length=40)
    pricing: Literal[tuple(Tool.Pricing.values)] | None = None  # type: ignore[valid-type]
    verdict: Literal["ship", "skip", "split", "none"] | None = None
    open_weights: bool | None = None
    tool_calling: bool | None = None
    min_context: Literal["32k", "128k", "200k", "1m"] | None = None
    max_price: Literal["1", "5", "15", "50"] | None = None
    modality: str | None = Field(None, pattern=r"^[a-z]{1,20}$")
    cursor: int | None = Field(None, ge=0, le=2_147_483_647, description="`next` holds it")
    limit: int = Field(50, ge=1, le=100)


# What every list shows: the catalogue, the panel's verdicts and the community's figures.
LISTED = [keys.TOOLS, keys.PANEL, keys.TALLIES]


def kept(view):
    """A list's answer kept for a tally window in the shared cache, under the versions of what
    lists show (core/pages.py `versions`, read before the view reads its data): an editorial
    change gives a new key at once, and votes show within the window, as on the pages."""

    @wraps(view)
    def keep(request: HttpRequest, *args, **kwargs):
        request.api_keys = LISTED
        try:
            shown = versions(key.name for key in LISTED if not key.soft)
            name = f"{request.get_full_path()}|{sorted(shown.items())}"
            key = "api:" + hashlib.blake2s(name.encode(), digest_size=16).hexdigest()
            answer = cache.get(key)
        except Exception:
            logger.warning("cache unavailable: answering %s afresh", request.path)
            return view(request, *args, **kwargs)
        if answer is None:
            answer = view(request, *args, **kwargs)
            try:
                cache.set(key, answer, settings.TALLY_WINDOW_SECONDS)
            except Exception:
                logger.warning("cache unavailable: not keeping %s", request.path)
        return answer

    return keep


@api.get(
    "/tools",
    response={200: ToolPage, 422: Invalid, **REFUSALS},
    summary="Published tools and models, oldest first, a page at a time",
    tags=["tools"],
)
@kept
def tools(request: HttpRequest, filters: Query[ToolFilters]):
    """The directory's filters (category, pricing, verdict and the model facets); pages follow
    `next` (cursor pagination on the stable `id`)."""
    asked = DirectoryQuery(
        category=filters.category or "",
        pricing=filters.pricing or "",
        verdict=filters.verdict or "",
        open_weights="yes" if filters.open_weights else "",
        tool_calling="yes" if filters.tool_calling else "",
        min_context=filters.min_context or "",
        max_price=filters.max_price or "",
        modality=filters.modality or "",
    )
    found = asked.apply(published()).order_by("pk")
    if filters.cursor is not None:
        found = found.filter(pk__gt=filters.cursor)
    page = list(found[: filters.limit + 1])
    following = None
    if len(page) > filters.limit:
        page = page[: filters.limit]
        query = request.GET.copy()
        query["cursor"] = str(page[-1].pk)
        following = absolute(f"{request.path}?{query.urlencode()}")
    return {"items": [tool_out(tool) for tool in page], "next": following}


@api.get(
    "/tools/{path:tool}",
    response={200: ToolOut, 404: Problem, **REFUSALS},
    summary="One published tool or model, by id or slug (former slugs still work)",
    tags=["tools"],
)
def tool(request: HttpRequest, tool: str):
    found = find(tool)
    if found is None:
        return Status(404, {"detail": "No published tool has that id or slug."})
    request.api_keys = [keys.tool(found.pk), keys.PANEL, keys.tally(found.pk)]
    return tool_out(found)


class CompareQuery(Schema):
    tools: set[Reference] = Field(
        ...,
        min_length=2,
        max_length=MAX_TOOLS,
        description="Two to four ids or slugs: `?tools=code-llama-4&tools=mistral-3b`",
    )


@api.get(
    "/compare",
    response={200: Comparison, 404: Problem, 409: Problem, 422: Invalid, **REFUSALS},
    summary="A comparison of two to four tools: the compare page's pick and figures",
    tags=["compare"],
)
def compare(request: HttpRequest, tools: Query[CompareQuery]):
    found = [find(reference) for reference in sorted(tools.tools)]
    if None in found:
        return Status(404, {"detail": "No published tool has one of those ids or slugs."})
    slugs = sorted({tool.slug for tool in found})
    if len(slugs) != len(found):
        return Status(409, {"detail": "Two of those name the same tool: name different tools."})
    pair = canonical_pair(slugs)
    page = compare_page(anonymous_request(request), pair)
    if not isinstance(page, Page):
        return Status(404, {"detail": "No published tool has one of those ids or slugs."})
    context = page.context
    verdict, numbers = context["verdict"], context["numbers"]
    if context["lead_numbers"]:
        pick = {"by": "numbers", "tool": getattr(numbers.overall, "slug", None)}
        pick |= {"headline": numbers.headline, "reason": numbers.context}
    else:
        pick = {
            "by": "panel" if verdict.pick else None,
            "tool": getattr(verdict.pick, "slug", None),
        }
        pick |= {"headline": verdict.headline, "reason": verdict.reason}
    uses = [
        {
            "use": answer.use.label,
            "conditions": answer.conditions,
            "pick": getattr(answer.pick, "slug", None),
            "sentence": answer.sentence,
        }
        for answer in (numbers.uses if numbers else [])
    ]
    request.api_keys = [key for key in page.keys if not key.soft]
    return {
        "tools": [tool_out(tool) for tool in context["tools"]],
        "pick": pick,
        "uses": uses,
        "url": absolute(reverse("tools:compare", args=[pair])),
    }


@api.get(
    "/categories",
    response={200: list[CategoryOut], **REFUSALS},
    tags=["catalogue"],
)
def categories(request: HttpRequest):
    """Every category with its number of published tools."""
    request.api_keys = [keys.TOOLS]
    published = Count("tools", filter=live_q("tools__"))
    return Category.objects.annotate(published=published).order_by("order", "name")


@api.get(
    "/critics",
    response={200: list[CriticOut], **REFUSALS},
    tags=["catalogue"],
)
def critics(request: HttpRequest):
    """The panel's critics: each scores a tool out of 100 with a ship or skip verdict."""
    request.api_keys = [keys.PANEL]
    return Reviewer.objects.filter(is_active=True).order_by("order", "name")
