from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from tools.models import Category, Tool


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    tools = Tool.objects.published().for_cards().order_by("category__order", "name")
    categories: dict[Category, list[Tool]] = {}
    for tool in tools:
        categories.setdefault(tool.category, []).append(tool)
    return render(request, "tools/home.html", {"categories": categories})


@require_GET
def tool_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tool = get_object_or_404(Tool.objects.published().for_cards(), slug=slug)
    return render(request, "tools/tool_detail.html", {"tool": tool})


@require_GET
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    tools = category.tools.published().for_cards()
    return render(request, "tools/category_detail.html", {"category": category, "tools": tools})
