from django.conf import settings
from django.contrib import admin
from django.urls import include, path

import verdicts.views
from comparesite import views

admin.site.site_header = "Shiplist editors"
admin.site.site_title = "Shiplist admin"
admin.site.index_title = "Tools, panel and community"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path(settings.ADMIN_URL, admin.site.urls),
    path("reviewers/", include("verdicts.urls")),
    path("disagreements/", verdicts.views.disagreements, name="disagreements"),
    path("", include("votes.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("", include("tools.urls")),
]

handler404 = "tools.views.page_not_found"
