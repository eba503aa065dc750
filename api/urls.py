from django.urls import path

from api.docs import documentation
from api.views import api

urlpatterns = [
    path("", documentation, name="api_documentation"),
    path("v1/", api.urls),
]
