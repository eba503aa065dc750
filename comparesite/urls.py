from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_safe

import tools.methodology
import tools.preview
import tools.views
from core import views
from tools.sitemaps import SITEMAPS, site_index
from verdicts.feeds import LatestVerdictsFeed

admin.site.site_header = "Shiplist editors"
admin.site.site_title = "Shiplist admin"
admin.site.index_title = "Tools, panel and community"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("robots.txt", views.robots_txt, name="robots"),
    # An index of one file per section (and per 10,000 addresses): finite at any scale. Kept a
    # minute: a newly published tool is in it within one (editors publish by hand).
    path(
        "sitemap.xml",
        require_safe(cache_page(60)(site_index)),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        require_safe(cache_page(60)(sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("feeds/verdicts/", require_safe(LatestVerdictsFeed()), name="verdicts_feed"),
    # The public pages first: most requests are for them, and resolving stops at the first match.
    path("", include("tools.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("reviewers/", include("verdicts.urls")),
    path("disagreements/", tools.views.disagreements, name="disagreements"),
    path("methodology/", tools.methodology.methodology, name="methodology"),
    path("preview/compare/<str:pair>/", tools.preview.preview_compare, name="preview_compare"),
    path("preview/tools/<slug:slug>/", tools.preview.preview_tool, name="preview_tool"),
    path("", include("votes.urls")),
    path("", include("trust.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("api/", include("api.urls")),
]

handler404 = "tools.views.page_not_found"
handler500 = "core.views.server_error"
