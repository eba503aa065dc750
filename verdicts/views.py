from django.core.paginator import Paginator
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Abs, NullIf
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from tools.models import Category, Tool
from verdicts.calibration import COMMUNITY_QUORUM, calibration_for
from verdicts.models import Reviewer
from verdicts.panel import SHIP, SKIP, SPLIT

REVIEWS_PER_PAGE = 24


@require_safe
def panel(request: HttpRequest) -> HttpResponse:
    reviewers = list(Reviewer.objects.filter(is_active=True))
    figures = calibration_for(reviewers)
    context = {
        "cards": [(reviewer, figures[reviewer.pk]) for reviewer in reviewers],
        "quorum": COMMUNITY_QUORUM,
    }
    return render(request, "verdicts/panel.html", context)


@require_safe
def reviewer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    reviewer = get_object_or_404(Reviewer, slug=slug, is_active=True)
    reviews = (
        reviewer.reviews.published()
        .select_related("tool", "tool__category")
        .order_by("-published_at", "-pk")
    )
    # Every category with how many of this reviewer's verdicts it holds: few rows, one query,
    # and the filter below matches the visitor's input against it without touching the database.
    categories = list(
        Category.objects.annotate(
            verdict_count=Count(
                "tools__reviews",
                filter=Q(
                    tools__is_published=True,
                    tools__reviews__reviewer=reviewer,
                    tools__reviews__is_published=True,
                ),
            )
        )
    )
    wanted = request.GET.get("category", "").strip()
    category = next((option for option in categories if option.slug == wanted), None)
    if category is not None:
        reviews = reviews.filter(tool__category=category)
    page = Paginator(reviews, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "reviewer": reviewer,
        "calibration": calibration_for([reviewer])[reviewer.pk],
        "quorum": COMMUNITY_QUORUM,
        "categories": [
            option for option in categories if option.verdict_count or option == category
        ],
        "category": category,
        # An unknown slug shows every verdict with a note (a typo should not be a dead end).
        "unknown_category": wanted[:80] if wanted and category is None else "",
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
    }
    return render(request, "verdicts/reviewer_detail.html", context)


@require_safe
def disagreements(request: HttpRequest) -> HttpResponse:
    """Tools with enough community votes whose panel verdict and community majority differ."""
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
        .filter(community_votes__gte=COMMUNITY_QUORUM)
        .filter(
            Q(community_majority=SHIP, panel_verdict__in=[SKIP, SPLIT])
            | Q(community_majority=SKIP, panel_verdict__in=[SHIP, SPLIT])
        )
        .order_by(F("gap").desc(nulls_last=True), "name")
    )
    context = {
        "opposed": [tool for tool in tools if tool.panel_verdict != SPLIT],
        "split": [tool for tool in tools if tool.panel_verdict == SPLIT],
        "quorum": COMMUNITY_QUORUM,
    }
    return render(request, "verdicts/disagreements.html", context)
