from django.http import JsonResponse
from django.urls import path, re_path

from api.docs import documentation
from api.views import api


def nothing_here(request, rest: str = ""):
    """Any other address under /api/ (a newline included): a 404 in JSON, as the API answers."""
    return JsonResponse({"detail": "Nothing is at this address: see /api/."}, status=404)


urlpatterns = [
    path("", documentation, name="api_documentation"),
    path("v1/", api.urls),
    re_path(r"^(?P<rest>[\s\S]*)$", nothing_here),
]
