from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from core import keys
from core.pages import Page, public_page
from core.publishing import live_q
from core.views import not_found
from verdicts.calibration import calibration_for, community_quorum
from verdicts.models import Reviewer

REVIEWS_PER_PAGE = 24


# Reviewer pages show critics, their verdicts and how the community voted on those tools.
SHOWN = [keys.PANEL, keys.TOOLS, keys.TALLIES]


@require_safe
@public_page()
def panel(request: HttpRequest) -> Page:
    reviewers = list(Reviewer.objects.filter(is_active=True))
    figures = calibration_for(reviewers)
    context = {
        "cards": [(reviewer, figures[reviewer.pk]) for reviewer in reviewers],
        "quorum": community_quorum(),
    }
    return Page("verdicts/panel.html", context, SHOWN)


@require_safe
@public_page(params=("category", "page"))
def reviewer_detail(request: HttpRequest, slug: str) -> Page | HttpResponse:
    reviewer = Reviewer.objects.filter(slug=slug, is_active=True).first()
    if reviewer is None:
        return not_found(request, reason=f"We have no critic called “{slug}”.")
    reviews = (
        reviewer.reviews.published()
        .select_related("tool", "tool__category")
        .order_by("-published_at", "-pk")
    )
    # Every category with how many of this reviewer's verdicts it holds: few rows, one query,
    # and the filter below matches the visitor's input against it without touching the database.
    # Looked up by name: tools sits above verdicts (its models use the panel figures).
    category_model = apps.get_model("tools", "Category")
    categories = list(
        category_model.objects.annotate(
            verdict_count=Count(
                "tools__reviews",
                filter=live_q("tools__")
                & live_q("tools__reviews__")
                & Q(tools__reviews__reviewer=reviewer),
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
        "quorum": community_quorum(),
        "categories": [
            option for option in categories if option.verdict_count or option == category
        ],
        "category": category,
        # An unknown slug shows every verdict with a note (a typo should not be a dead end).
        "unknown_category": wanted[:80] if wanted and category is None else "",
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
    }
    return Page("verdicts/reviewer_detail.html", context, [*SHOWN, *category_keys(categories)])


def category_keys(categories) -> list[keys.Key]:
    return [keys.category(category.pk) for category in categories]
