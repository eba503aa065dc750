from __future__ import annotations

import re
from itertools import combinations
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Case, CharField, Count, F, Q, Value, When, Window
from django.db.models.functions import Abs, NullIf, RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from core import keys
from core.pages import ALL_PARAMS, Page, public_page
from core.publishing import live_q
from core.ratelimit import check_rate, read_limit
from core.views import not_found as core_not_found
from modelspecs.costs import CostForm, active_uses, compact_tokens, estimate_costs
from modelspecs.formats import tokens
from modelspecs.models import ModelSpec, Use, spec_of
from modelspecs.picks import numbers_pick, pick_for_use
from tools.compare import (
    MAX_TOOLS,
    MalformedPair,
    canonical_pair,
    decision_rows,
    parse_pair,
    reviews_of,
    scorecard,
    updated_row,
)
from tools.directory import DirectoryQuery, directory_queryset, filter_choices
from tools.finder import COMPARE_AT_MOST, FinderQuery
from tools.finder import CONTEXT_CHOICES as FINDER_CONTEXTS
from tools.finder import MODALITIES as FINDER_MODALITIES
from tools.finder import SORTS as FINDER_SORTS
from tools.finder import answer as finder_answer
from tools.finding import VERSUS, Catalogue, corrected
from tools.models import MAX_SEARCH_WORDS, Category, OldSlug, Tool, search_words
from tools.popularity import popular_comparisons, record_view_once
from tools.previews import badge_message, badge_snippets, compare_preview_url, tool_preview_url
from tools.seo import software_application
from tools.verdict import compare_verdict, figures_agreement
from trust.facts import trust_annotations, trust_record
from verdicts.calibration import community_quorum
from verdicts.models import VerdictChange
from verdicts.panel import SHIP, SKIP, SPLIT

BY_PANEL = (
    F("panel_ship_percent").desc(nulls_last=True),
    F("panel_average_score").desc(nulls_last=True),
)


def not_found(
    request: HttpRequest, *, reason: str, words: list[str], compared: list[str] | None = None
) -> HttpResponse:
    """A 404 that suggests the tools whose names look like what the visitor typed, and, for a
    comparison address with a misspelt slug, the comparison they probably meant."""
    catalogue = Catalogue.load()
    suggestions = [tool for word in words for tool in catalogue.suggestions(word, limit=3)]
    corrected = None
    if compared:
        fixed = [catalogue.find(slug.replace("-", " ")) for slug in compared]
        if None not in fixed and len({tool.pk for tool in fixed}) == len(fixed):
            corrected = fixed
    return core_not_found(
        request,
        reason=reason,
        suggestions=list(dict.fromkeys(suggestions))[:6],
        query=" ".join(words),
        corrected=corrected,
    )


def shown(tools: list[Tool]) -> list[keys.Key]:
    """The keys of a page listing these tools: each one's facts, category and community."""
    return [
        key
        for tool in tools
        for key in (keys.tool(tool.pk), keys.category(tool.category_id), keys.tally(tool.pk))
    ]


HOME_SHELF = 8
# Names offered as you type in a picker (a <datalist>): the panel's best-rated this many. Any
# other name still works when typed (tools/finding.py); listing 5,000 made home 225 KB.
PICKER_SUGGESTIONS = 200
PAGE_SIZE = 24  # tools a page, in the directory and on category pages


@require_safe
@public_page()
def home(request: HttpRequest) -> Page:
    # Only what the page shows, whatever the catalogue's size: each category's HOME_SHELF best
    # (a window in SQL), their counts, the latest verdicts, the picker's best-rated names.
    # Reading every tool made a rebuild cost 0.2 s at 5,000 tools.
    categories = category_shelves(HOME_SHELF)
    counts = dict(
        Tool.objects.published().order_by().values_list("category_id").annotate(Count("pk"))
    )
    popular = popular_comparisons(6)
    # The panel's favourites of each category, and a link to the rest: with hundreds of
    # tools, listing every one made home 124 KB of HTML.
    shelves = {
        category: {"tools": group, "count": counts.get(category.pk, len(group))}
        for category, group in categories.items()
    }
    latest = (
        Tool.objects.published()
        .for_cards()
        .order_by(F("panel_updated_at").desc(nulls_last=True), "-created_at", "name")[:6]
    )
    best = Tool.objects.published().with_panel_summary().order_by(*BY_PANEL, "name")
    context = {
        "categories": shelves,
        "picker_tools": sorted(
            best.only("name", "slug")[:PICKER_SUGGESTIONS], key=lambda tool: tool.name.lower()
        ),
        "featured": featured_pairs(categories.values(), popular)[:8],
        "latest": list(latest),
        "popular": popular,
        "jobs": finder_jobs(),
    }
    return Page(
        "tools/home.html",
        context,
        [keys.TOOLS, keys.PANEL, keys.TALLIES, keys.POPULAR, keys.METHOD],
    )


def featured_by_category(shown: list[list[Tool]]) -> dict[Category, list[tuple[Tool, Tool]]]:
    """The featured comparisons of each category (as on the home page), by category."""
    found = {}
    for category, group in category_shelves(3).items():
        if pairs := featured_pairs([group], shown):
            found[category] = pairs
            shown = [*shown, *([first, second] for first, second in pairs)]
    return found


def category_shelves(size: int) -> dict[Category, list[Tool]]:
    """Each category's `size` best tools by the panel, in one query whatever the catalogue's
    size (a window in SQL: reading every tool made a home rebuild 0.2 s at 5,000 tools)."""
    in_category = Window(
        RowNumber(), partition_by=F("category_id"), order_by=[*BY_PANEL, F("name").asc()]
    )
    shelved = (
        Tool.objects.published()
        .for_cards()
        .select_related("model_spec")
        .annotate(place=in_category)
        .filter(place__lte=size)
        .order_by("category__order", "category__name", "place")
    )
    shelves: dict[Category, list[Tool]] = {}
    for tool in shelved:
        shelves.setdefault(tool.category, []).append(tool)
    return shelves


def featured_pairs(shelves, shown: list[list[Tool]] = ()) -> list[tuple[Tool, Tool]]:
    """Each category's best three paired, for "featured comparisons": never two tools the panel
    has not reviewed (their figures are the model finder's business), never a pair already
    shown (in popular comparisons), never one pair twice."""
    seen = {frozenset(tool.pk for tool in group) for group in shown}
    pairs = []
    for group in shelves:
        for first, second in combinations(group[:3], 2):
            key = frozenset((first.pk, second.pk))
            if key in seen or not (first.panel.reviewed or second.panel.reviewed):
                continue
            seen.add(key)
            pairs.append((first, second))
    return pairs


def finder_jobs() -> list:
    """The model finder's ways in by job, one per use (none without published models)."""
    if not ModelSpec.objects.filter(live_q("tool__")).exists():
        return []
    return [(use, FinderQuery.for_use(use).link()) for use in active_uses()]


FIELDS = ["First tool", "Second tool", "Third tool", "Fourth tool", "Fifth tool"]


@require_safe
def compare_picker(request: HttpRequest) -> HttpResponse:
    """The picker's plain GET form: `/compare/?a=x&b=y` (or `?t=x&t=y&t=z` from "add a tool")
    goes to the canonical comparison. Names, slugs and near misses ("Cursr") are accepted; a
    field that matches nothing is named, with what the visitor may have meant."""
    wanted = request.GET.getlist("t") or [request.GET.get("a", ""), request.GET.get("b", "")]
    wanted = [value.strip()[:100] for value in wanted[: MAX_TOOLS + 1]]
    typed = [value for value in wanted if value]
    error, did_you_mean = "", []
    if typed:
        catalogue = Catalogue.load()
        found = [catalogue.find(value) for value in wanted]
        unmatched = [
            (FIELDS[index], value)
            for index, (value, tool) in enumerate(zip(wanted, found, strict=True))
            if value and tool is None
        ]
        slugs = sorted({tool.slug for tool in found if tool is not None})
        if unmatched:
            field, value = unmatched[0]
            error = f"{field}: we have no tool called “{value}”."
            others = [tool.slug for tool in found if tool is not None]
            did_you_mean = [
                (tool, reverse("tools:compare", args=[canonical_pair([*others, tool.slug])]))
                if others and tool.slug not in others
                else (tool, tool.get_absolute_url())
                for tool in catalogue.suggestions(value)
            ]
        elif len(typed) < 2:
            error = "Pick two tools: choose a second one to compare with."
        elif len(slugs) > MAX_TOOLS:
            error = f"A comparison holds at most {MAX_TOOLS} tools."
        elif len(slugs) == 1:
            return redirect("tools:detail", slug=slugs[0])
        elif volume := {
            name: request.GET[name][:40]
            for name in ("input_tokens", "output_tokens")
            if request.GET.get(name, "").strip()
        }:
            # From the model finder with the visitor's volume: their costs, cheapest first.
            url = reverse("tools:compare_cost", args=[canonical_pair(slugs)])
            return redirect(f"{url}?{urlencode(volume)}")
        else:
            return redirect("tools:compare", pair=canonical_pair(slugs))
    best = Tool.objects.published().with_panel_summary().order_by(*BY_PANEL, "name")
    picker_tools = sorted(
        best.only("name", "slug")[:PICKER_SUGGESTIONS], key=lambda tool: tool.name.lower()
    )
    selected = [*wanted, "", ""][:2]
    popular = popular_comparisons(6)
    context = {
        "picker_tools": picker_tools,
        "error": error,
        "did_you_mean": did_you_mean,
        "selected": selected,
        # Ways in beside the form: what others compare, the panel's pairs by category, jobs.
        "popular": popular,
        "featured": featured_by_category(popular),
        "jobs": finder_jobs(),
    }
    return render(request, "tools/compare_picker.html", context, status=400 if error else 200)


def absolute(tool: Tool) -> str:
    return settings.SITE_URL + tool.get_absolute_url()


def compare_page(request: HttpRequest, pair: str) -> Page | HttpResponse:
    """The comparison of two to four tools (public below; staff preview in tools/preview.py)."""
    try:
        slugs = parse_pair(pair)
    except MalformedPair as problem:
        if (meant := meant_pair(pair)) is not None:
            return meant  # "Cursor-vs-Windsurf", "claude-sonnet-4.6-vs-gpt-5.5": one hop
        words = [word for word in pair.replace("-vs-", " ").split() if word][:4]
        return not_found(
            request, reason=f"That is not a comparison address ({problem}).", words=words
        )
    if pair != canonical_pair(slugs):
        # An unknown slug is answered here, not after a redirect to the reordered address.
        known = set(Tool.objects.published().filter(slug__in=slugs).values_list("slug", flat=True))
        if missing := [slug for slug in slugs if slug not in known]:
            return compare_not_found(request, slugs, missing)
        if len(set(slugs)) == 1:
            return redirect("tools:detail", slug=slugs[0], permanent=True)
        return redirect("tools:compare", pair=canonical_pair(slugs), permanent=True)

    found = {
        tool.slug: tool
        for tool in Tool.objects.published()
        .for_cards()
        .select_related("model_spec")
        .annotate(**trust_annotations())
        .filter(slug__in=slugs)
    }
    if missing := [slug for slug in slugs if slug not in found]:
        return compare_not_found(request, slugs, missing)
    tools = [found[slug] for slug in slugs]
    rows = scorecard(tools)
    verdict = compare_verdict(tools, rows)
    # The uses are read (from the cache) only for comparisons of models.
    uses = active_uses() if any(map(spec_of, tools)) else []
    numbers = numbers_pick(tools, uses)
    alternatives = list(
        Tool.objects.published()
        .for_cards()
        .filter(category__in={tool.category_id for tool in tools})
        .exclude(pk__in=[tool.pk for tool in tools])
        .order_by(*BY_PANEL, "name")[:24]
    )
    related = [
        (tool, [other for other in alternatives if other.category_id == tool.category_id][:4])
        for tool in tools
    ]
    context = {
        "tools": tools,
        "pair": pair,
        "title": " vs ".join(tool.name for tool in tools),
        "can_add": len(tools) < MAX_TOOLS and bool(alternatives),
        "addable": sorted(alternatives, key=lambda tool: tool.name.lower()),
        "decision_rows": [*decision_rows(tools), updated_row(tools, rows)],
        "scorecard": rows,
        "verdict": verdict,
        # Where the panel has no pick, the figures answer first (modelspecs/picks.py).
        "numbers": numbers,
        "lead_numbers": numbers is not None and verdict.pick is None,
        "agreement": figures_agreement(verdict.pick, numbers),
        "related": related,
        "structured_data": [
            software_application(tool, reviews_of(tool, rows), absolute(tool)) for tool in tools
        ],
        **calculator(tools, reverse("tools:compare_cost", args=[pair]), uses),
    }
    context["share_card"], context["share_card_url"] = compare_preview_url(pair, context)
    # Two tools: one page per pair in the catalogue, all kept. Three or four: tens of
    # thousands of addresses, kept only once asked for twice (core/pages.py).
    return Page(
        "tools/compare.html",
        context,
        [*shown(tools), keys.PANEL, keys.METHOD],
        popular_only=len(tools) > 2,
    )


compare = require_safe(public_page()(compare_page))


def normal_slug(text: str) -> str:
    """A slug as it may have been typed or pasted: capitals, dots in version numbers, spaces,
    underscores and trailing punctuation made into the slug form ("Claude-Sonnet-4.6." ->
    "claude-sonnet-4-6")."""
    text = re.sub(r"[^a-z0-9]+", "-", text.lower())
    return text.strip("-")


def meant_pair(pair: str) -> HttpResponse | None:
    """The one-hop redirect for a comparison address that differs from a real one only by
    case, dots, punctuation or an unambiguous near miss of a slug; None when it means nothing
    (or more than one thing)."""
    parts = [normal_slug(part) for part in re.split(r"-vs-", pair, flags=re.IGNORECASE)]
    if not 2 <= len(parts) <= MAX_TOOLS or not all(parts):
        return None
    resolved = resolve_slugs(parts)
    if resolved is None:
        return None
    if len(set(resolved)) == 1:
        return redirect("tools:detail", slug=resolved[0], permanent=True)
    return redirect("tools:compare", pair=canonical_pair(resolved), permanent=True)


def resolve_slugs(slugs: list[str]) -> list[str] | None:
    """The current slug of each: itself when published, the tool's new slug when renamed, or the
    one tool a near miss names; None when any cannot be resolved to exactly one tool."""
    live = set(Tool.objects.published().filter(slug__in=slugs).values_list("slug", flat=True))
    missing = [slug for slug in slugs if slug not in live]
    if not missing:
        return slugs
    if Tool.objects.filter(slug__in=missing).exists():
        return None  # a draft or scheduled tool's address is its own, never another tool's
    renamed = dict(
        OldSlug.objects.filter(live_q("tool__"), slug__in=missing).values_list("slug", "tool__slug")
    )
    catalogue = None
    found = []
    for slug in slugs:
        if slug in live:
            found.append(slug)
        elif slug in renamed:
            found.append(renamed[slug])
        else:
            catalogue = catalogue or Catalogue.load()
            tool = catalogue.find(slug.replace("-", " "))
            # A near miss never changes a version: "gpt-5-4" is not "gpt-5-5".
            if tool is None or re.findall(r"\d+", slug) != re.findall(r"\d+", tool.slug):
                return None
            found.append(tool.slug)
    return found


def compare_not_found(request: HttpRequest, slugs: list[str], missing: list[str]) -> HttpResponse:
    # A renamed tool, or a near miss that names one tool: its comparison, in one hop.
    if (current := resolve_slugs(slugs)) is not None:
        if len(set(current)) == 1:
            return redirect("tools:detail", slug=current[0], permanent=True)
        return redirect("tools:compare", pair=canonical_pair(current), permanent=True)
    return not_found(
        request,
        reason=f"We have no tool called “{missing[0]}”.",
        words=[slug.replace("-", " ") for slug in missing],
        compared=slugs,
    )


@require_POST
def compare_viewed(request: HttpRequest, pair: str) -> HttpResponse:
    """Count a view of a comparison (a beacon the page sends once loaded, outside the cache)."""
    try:
        slugs = parse_pair(pair)
    except MalformedPair:
        return HttpResponse(status=400)
    if pair != canonical_pair(slugs):
        return HttpResponse(status=204)  # a redirect to the canonical page: not a view
    if refusal := check_rate(request, "view", None):
        return HttpResponse(status=refusal.status)
    record_view_once(request, pair)
    return HttpResponse(status=204)


def tool_detail_page(request: HttpRequest, slug: str) -> Page | HttpResponse:
    tool = (
        Tool.objects.published()
        .for_cards()
        .select_related("model_spec")
        .annotate(**trust_annotations(corrections=True))
        .filter(slug=slug)
        .first()
    )
    if tool is None:
        # Renamed, typed with capitals or dots, or a near miss of one tool: there, in one hop.
        if (current := resolve_slugs([normal_slug(slug)])) is not None:
            return redirect("tools:detail", slug=current[0], permanent=True)
        return not_found(request, reason=f"We have no tool called “{slug}”.", words=[slug])
    rows = scorecard([tool])
    spec = spec_of(tool)
    others = list(
        Tool.objects.published()
        .for_cards()
        .filter(category=tool.category_id)
        .exclude(pk=tool.pk)
        .order_by(*BY_PANEL, "name")[:12]
    )
    context = {
        "tool": tool,
        "tools_shown": [tool],
        "scorecard": rows,
        "others": others,
        "picker_selected": [tool.name, ""],
        "verdict_changes": list(VerdictChange.objects.public().filter(tool=tool)[:12]),
        "trust": trust_record(tool),
        "structured_data": software_application(tool, reviews_of(tool, rows), absolute(tool)),
        "spec": spec,
        # What a month of each use costs on it, or why it does not qualify (a model's page).
        "uses": [pick_for_use([tool], use) for use in active_uses()] if spec else [],
        **calculator([tool], reverse("tools:tool_cost", args=[tool.slug])),
    }
    context["share_card"], context["share_card_url"] = tool_preview_url(tool.slug, context)
    context.update(badge_snippets(tool, badge_message(tool)[0]))
    return Page("tools/tool_detail.html", context, [*shown([tool]), keys.PANEL, keys.METHOD])


tool_detail = require_safe(public_page()(tool_detail_page))


def calculator(tools: list[Tool], url: str, uses: list | None = None) -> dict:
    """The cost calculator's empty form, on pages where at least one model has prices (the
    others are said to have none)."""
    if not any(spec is not None and spec.has_prices for spec in map(spec_of, tools)):
        return {}
    return {"cost_form": CostForm(uses=uses), "cost_url": url}


@require_safe
@vary_on_headers("HX-Request")
def tool_cost(request: HttpRequest, slug: str) -> HttpResponse:
    return cost_page(request, [slug])


@require_safe
@vary_on_headers("HX-Request")
def compare_cost(request: HttpRequest, pair: str) -> HttpResponse:
    try:
        slugs = parse_pair(pair)
    except MalformedPair as problem:
        return not_found(request, reason=f"That is not a comparison address ({problem}).", words=[])
    return cost_page(request, slugs)


def cost_page(request: HttpRequest, slugs: list[str]) -> HttpResponse:
    """What the visitor's monthly traffic costs on each model (`?preset=chat` or
    `?input_tokens=...&output_tokens=...`): the whole page without JS, the result to htmx.

    Not kept in the page cache (the answers are as many as the numbers people type); the
    pages holding the empty form are."""
    found = {
        tool.slug: tool
        for tool in Tool.objects.published().select_related("model_spec").filter(slug__in=slugs)
    }
    if len(found) != len(set(slugs)) or not any(
        spec is not None and spec.has_prices for spec in map(spec_of, found.values())
    ):
        return not_found(
            request,
            reason="We have no prices for these models.",
            words=[slug.replace("-", " ") for slug in slugs if slug not in found][:3],
        )
    tools = [found[slug] for slug in slugs]
    form = CostForm(request.GET) if request.GET else CostForm()
    estimate = estimate_costs(tools, **form.traffic()) if form.is_valid() else None
    # The pick for the visitor's own traffic, by the same rule as a use's (modelspecs/picks.py).
    yours = (
        pick_for_use(tools, Use(label="Your traffic", **form.traffic()))
        if estimate is not None and len(tools) > 1
        else None
    )
    # htmx swaps only 2xx answers: it gets its errors in a 200 to show them in place.
    status = 400 if form.is_bound and not form.is_valid() and not request.htmx else 200
    url = (
        reverse("tools:tool_cost", args=[slugs[0]])
        if len(slugs) == 1
        else reverse("tools:compare_cost", args=[canonical_pair(slugs)])
    )
    back = tools[0] if len(tools) == 1 else reverse("tools:compare", args=[canonical_pair(slugs)])
    context = {
        "tools": tools,
        "title": " vs ".join(tool.name for tool in tools),
        "cost_form": form,
        "cost_url": url,
        "estimate": estimate,
        "yours": yours,
        "back": back.get_absolute_url() if isinstance(back, Tool) else back,
    }
    # htmx gets the calculator back whole: a chosen use fills the boxes.
    template = "tools/cost.html#calculator" if request.htmx else "tools/cost.html"
    return render(request, template, context, status=status)


@require_safe
@public_page(params=("page",))
def category_detail(request: HttpRequest, slug: str) -> Page | HttpResponse:
    """A category's tools ranked by the panel, PAGE_SIZE to a page (`?page=`)."""
    page_number = requested_page(request)
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        return not_found(request, reason=f"We have no category called “{slug}”.", words=[])
    ranked = category.tools.published().for_cards().order_by(*BY_PANEL, "name")
    page = Paginator(ranked, PAGE_SIZE).get_page(page_number)
    tools = list(page.object_list)
    first = page.number == 1
    context = {
        "category": category,
        "tools": tools,
        "page": page,
        "pager": {
            "previous": f"page={page.number - 1}" if page.has_previous() else "",
            "next": f"page={page.number + 1}" if page.has_next() else "",
        },
        # The comparison sections belong to the category's front page.
        "pairs": list(combinations(tools[:4], 2)) if first else [],
        "popular": popular_comparisons(6, category_id=category.pk) if first else [],
        "jobs": finder_jobs() if category.name == settings.MODELS_DEV_CATEGORY else [],
    }
    return Page(
        "tools/category_detail.html",
        context,
        [
            keys.category(category.pk),
            keys.PANEL,
            keys.TALLIES,
            keys.POPULAR,
            keys.METHOD,
            *shown(tools),
        ],
        # A page past the end shows the last page, but is not kept under its own address.
        store=is_canonical_page(request, page),
    )


def is_canonical_page(request: HttpRequest, page) -> bool:
    """Whether `?page=` named this page as we would (not '0', '-3', 'two' or past the end)."""
    return request.GET.get("page", "1") == str(page.number)


def requested_page(request: HttpRequest) -> int:
    """`?page=` as a page number; anything else (missing, not a number, below 1) is page 1."""
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@require_safe
@public_page(params=ALL_PARAMS)
def directory(request: HttpRequest) -> Page:
    """All tools, filtered and sorted by GET parameters; htmx swaps just the results."""
    asked = DirectoryQuery.from_params(request.GET)
    page_number = requested_page(request)
    choices = filter_choices()
    query = asked.known(
        {category.slug for category in choices["categories"]}, choices["modalities"]
    )
    page = Paginator(query.apply(directory_queryset()), PAGE_SIZE).get_page(page_number)
    pager = {
        "previous": query.link(page.number - 1) if page.has_previous() else "",
        "next": query.link(page.number + 1) if page.has_next() else "",
    }
    context = {"query": query, "page": page, "pager": pager, **choices}
    template = "tools/directory.html#results" if request.htmx else "tools/directory.html"
    return Page(
        template,
        context,
        [keys.TOOLS, keys.PANEL, keys.TALLIES],
        store=query == asked and is_canonical_page(request, page),
    )


FINDER_PAGE_SIZE = 50


def compare_link(tools: list[Tool], query: FinderQuery) -> str:
    """These tools compared: at the finder's volume (their costs, the pick named), if it has
    one, else their comparison page."""
    pair = canonical_pair([tool.slug for tool in tools])
    if not query.has_volume:
        return reverse("tools:compare", args=[pair])
    volume = {name: query.params().get(name, "0") for name in ("input_tokens", "output_tokens")}
    return f"{reverse('tools:compare_cost', args=[pair])}?{urlencode(volume)}"


@require_safe
@public_page(params=ALL_PARAMS)
def model_finder(request: HttpRequest) -> Page:
    """Every published model in one table, filtered by what the job needs and costed for the
    visitor's volume (tools/finder.py); pick up to four and compare them. Addresses with a
    volume (or a value it could not read) are answered afresh, not kept: they are as many as
    the numbers people type."""
    query, problems = FinderQuery.from_params(request.GET)
    page = Paginator(query.apply(Tool.objects.published()), FINDER_PAGE_SIZE).get_page(
        requested_page(request)
    )
    models = list(page.object_list)
    cheapest = [tool for tool in models if tool.model_spec.has_prices][:COMPARE_AT_MOST]
    if request.GET.get("go") == "compare" and len(cheapest) > 1 and not problems:
        # The form's second button: straight to the cheapest that fit, compared at this volume.
        return redirect(compare_link(cheapest, query))
    context = {
        "query": query,
        "problems": problems,
        "page": page,
        "models": models,
        "answer": finder_answer(query, models) if page.number == 1 else "",
        "cheapest": cheapest,
        "cheapest_link": compare_link(cheapest, query) if len(cheapest) > 1 else "",
        "sorts": FINDER_SORTS.items(),
        "modalities": FINDER_MODALITIES,
        "contexts": [(compact_tokens(size), tokens(size)) for size in FINDER_CONTEXTS if size],
        "jobs": finder_jobs(),
        "pager": {
            "previous": query.page_link(page.number - 1) if page.has_previous() else "",
            "next": query.page_link(page.number + 1) if page.has_next() else "",
        },
    }
    canonical = {**query.params(), **({"page": str(page.number)} if page.number > 1 else {})}
    return Page(
        "tools/finder.html",
        context,
        [keys.TOOLS, keys.METHOD],
        store=not query.has_volume and not problems and request.GET.dict() == canonical,
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # "/tools/gpt-5.5/" never reaches the tool view (a slug has no dots): the tool meant.
    if (found := re.fullmatch(r"/tools/([^/]{1,100})/?", request.path)) and (
        current := resolve_slugs([normal_slug(found.group(1))])
    ):
        return redirect("tools:detail", slug=current[0], permanent=True)
    words = [part for part in request.path.replace("-", " ").replace("/", " ").split() if part]
    return not_found(request, reason="There is no page at this address.", words=words[-3:])


MAX_QUERY_LENGTH = 100


# Tools whose name holds every word first, then the best match, the panel's favourites, the newest.
SEARCH_ORDER = (
    "-in_name",
    "-search_rank",
    *BY_PANEL,
    F("release_date").desc(nulls_last=True),
    "name",
)


def find_tools(text: str, limit: int, order: tuple = SEARCH_ORDER) -> tuple[list[Tool], str]:
    """Search results for `text` (best match first, then the panel's favourites, then the
    newest), and the corrected text when only a typo-tolerant reading found them ("" when the
    words matched as typed)."""
    if not search_words(text):
        return [], ""
    published = Tool.objects.published().select_related("model_spec")
    found = list(published.search(text).for_cards().order_by(*order)[:limit])
    if found:
        return found, ""
    fixed = corrected(text)
    if fixed is None:
        return [], ""
    found = list(published.search(fixed).for_cards().order_by(*order)[:limit])
    return found, fixed if found else ""


def likely_comparisons(parts: list[str]) -> list[list[Tool]]:
    """For "claude vs gpt" (a family or a maker on a side): the comparisons of the best two
    matches of each side, at most four, never a tool against itself."""
    # A family or a maker names many: its current (newest) ones, the panel's favourites first.
    newest = ("-in_name", F("release_date").desc(nulls_last=True), *BY_PANEL, "name")
    sides = [find_tools(part, 2, newest)[0] for part in parts[:MAX_TOOLS]]
    if len(sides) < 2 or not all(sides):
        return []
    offers = []
    for first in sides[0]:
        for second in sides[1]:
            group = [first, second, *(side[0] for side in sides[2:])]
            if len({tool.pk for tool in group}) == len(group):
                offers.append(sorted(group, key=lambda tool: tool.slug))
    return offers[:4]


def too_many_searches(request: HttpRequest, template: str, wait: int) -> HttpResponse:
    """A 429 that says how long to wait: searches are counted per address (RATE_LIMITS), so
    one client's flood cannot take the workers every other reader needs."""
    error = f"That is a lot of searches in a short time: try again in {wait} seconds."
    context = {"query": "", "results": [], "error": error}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@vary_on_headers("HX-Request")
def suggest(request: HttpRequest) -> HttpResponse:
    """As-you-type suggestions for the header search box (an htmx fragment)."""
    if wait := read_limit(request, "search"):
        return too_many_searches(request, "tools/search.html#suggestions", wait)
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    tools, fixed = find_tools(query, 6) if query else ([], "")
    compared = Catalogue.load().versus(query) if VERSUS.search(query) else None
    context = {
        "query": query,
        "results": tools,
        "showing_for": fixed,
        # "cursor vs windsu": the comparison it names, offered first.
        "compared": compared if compared and len({tool.pk for tool in compared}) > 1 else None,
    }
    response = render(request, "tools/search.html#suggestions", context)
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    if wait := read_limit(request, "search"):
        return too_many_searches(request, "tools/search.html", wait)
    query = request.GET.get("q", "").strip()
    context: dict = {"query": query[:MAX_QUERY_LENGTH], "results": [], "error": ""}
    status = 200
    if len(query) > MAX_QUERY_LENGTH:
        context["error"] = f"That search is too long: keep it under {MAX_QUERY_LENGTH} characters."
        status = 400
    elif len(re.findall(r"\w+", query)) > MAX_SEARCH_WORDS:
        context["error"] = f"That search has too many words: use {MAX_SEARCH_WORDS} at most."
        status = 400
    elif query:
        catalogue = Catalogue.load()
        if compared := catalogue.versus(query):
            # "cursor vs copilot": straight to that comparison (or the tool, if it is one).
            slugs = sorted({tool.slug for tool in compared})
            if len(slugs) == 1:
                return redirect("tools:detail", slug=slugs[0])
            if len(slugs) <= MAX_TOOLS:
                return redirect("tools:compare", pair=canonical_pair(slugs))
        parts = [part for part in VERSUS.split(query) if part.strip()]
        if len(parts) > 1:
            context["offers"] = likely_comparisons(parts)
        context["results"], context["showing_for"] = find_tools(query, 30)
    return render(request, "tools/search.html", context, status=status)


@require_safe
@public_page()
def disagreements(request: HttpRequest) -> Page:
    """Tools with enough community votes whose panel verdict and community majority differ."""
    quorum = community_quorum()  # never fewer votes than the site shows a share for
    community_votes = F("community_ships") + F("community_skips")
    tools = list(
        Tool.objects.published()
        .for_cards()
        .alias(
            community_votes=community_votes,
            community_majority=Case(
                When(community_ships__gt=F("community_skips"), then=Value(SHIP)),
                When(community_ships__lt=F("community_skips"), then=Value(SKIP)),
                default=Value(None),
                output_field=CharField(),
            ),
            gap=Abs(
                F("panel_ship_percent") - F("community_ships") * 100.0 / NullIf(community_votes, 0)
            ),
        )
        .filter(community_votes__gte=quorum)
        .filter(
            Q(community_majority=SHIP, panel_verdict__in=[SKIP, SPLIT])
            | Q(community_majority=SKIP, panel_verdict__in=[SHIP, SPLIT])
        )
        .order_by(F("gap").desc(nulls_last=True), "name")
    )
    context = {
        "opposed": [tool for tool in tools if tool.panel_verdict != SPLIT],
        "split": [tool for tool in tools if tool.panel_verdict == SPLIT],
        "quorum": quorum,
    }
    return Page("verdicts/disagreements.html", context, [keys.TOOLS, keys.PANEL, keys.TALLIES])
