from django.urls import path

from tools import views

app_name = "tools"

urlpatterns = [
    path("", views.home, name="home"),
    path("tools/<slug:slug>/", views.tool_detail, name="detail"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
]
