from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from verdicts.models import Reviewer


@require_safe
def panel(request: HttpRequest) -> HttpResponse:
    reviewers = Reviewer.objects.filter(is_active=True)
    return render(request, "verdicts/panel.html", {"reviewers": reviewers})


@require_safe
def reviewer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    reviewer = get_object_or_404(Reviewer, slug=slug, is_active=True)
    reviews = (
        reviewer.reviews.published()
        .select_related("tool", "tool__category")
        .order_by("-published_at")
    )
    return render(
        request, "verdicts/reviewer_detail.html", {"reviewer": reviewer, "reviews": reviews}
    )
