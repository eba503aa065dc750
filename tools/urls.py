from django.urls import path, register_converter

from tools import share, views

app_name = "tools"


class Hex:
    """A preview image's version: a short hex digest (tools/previews.py `Card.version`)."""

    regex = "[0-9a-f]{1,16}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class BadgeKind(Hex):
    regex = "svg|json"


register_converter(Hex, "hex")
register_converter(BadgeKind, "badge")

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", views.compare_picker, name="compare_picker"),
    path("compare/<str:pair>/", views.compare, name="compare"),
    path("compare/<str:pair>/viewed/", views.compare_viewed, name="compare_viewed"),
    path("compare/<str:pair>/cost/", views.compare_cost, name="compare_cost"),
    path(
        "compare/<str:pair>/preview-<hex:version>.png",
        share.compare_preview,
        name="compare_preview",
    ),
    path("tools/", views.directory, name="directory"),
    path("models/", views.model_finder, name="finder"),
    path("tools/<slug:slug>/", views.tool_detail, name="detail"),
    path("tools/<slug:slug>/cost/", views.tool_cost, name="tool_cost"),
    path("tools/<slug:slug>/preview-<hex:version>.png", share.tool_preview, name="tool_preview"),
    path("tools/<slug:slug>/badge.<badge:kind>", share.badge, name="badge"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.suggest, name="suggest"),
]
