"""Staff preview: the tool and compare pages as they will look, drafts and scheduled items
included, with a banner. Never cached, never shown to anyone else (they get 404)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from core.admin_site import staff_may_enter
from core.pages import personal_response
from core.publishing import previewing
from tools.views import compare_page, tool_detail_page


def can_preview(request: HttpRequest) -> bool:
    """Staff who may view tools and have given their second factor where it is required (as for
    the admin: drafts are staff-only content too)."""
    user = request.user
    return (
        user.is_active
        and user.is_staff
        and user.has_perm("tools.view_tool")
        and staff_may_enter(request)
    )


def preview(request: HttpRequest, view, **kwargs) -> HttpResponse:
    if not can_preview(request):
        raise Http404("No such page.")
    with previewing():
        page = view(request, **kwargs)
        if isinstance(page, HttpResponse):
            response = page
        else:
            page.context["preview"] = True
            response = personal_response(request, page, request.path)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def preview_compare(request: HttpRequest, pair: str) -> HttpResponse:
    return preview(request, compare_page, pair=pair)


@require_safe
def preview_tool(request: HttpRequest, slug: str) -> HttpResponse:
    return preview(request, tool_detail_page, slug=slug)
