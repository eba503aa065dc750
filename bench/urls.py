"""The site's URLs with /bench/fortunes/ in front (first, so it pays nothing for the others)."""

from django.urls import path

from bench.fortunes import fortunes
from comparesite.urls import handler404
from comparesite.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("bench/fortunes/", fortunes), *site_urlpatterns]

__all__ = ["handler404", "urlpatterns"]
