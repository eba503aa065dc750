from django.urls import path

from tools import views

app_name = "tools"

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", views.compare_picker, name="compare_picker"),
    path("compare/<str:pair>/", views.compare, name="compare"),
    path("compare/<str:pair>/viewed/", views.compare_viewed, name="compare_viewed"),
    path("compare/<str:pair>/cost/", views.compare_cost, name="compare_cost"),
    path("tools/", views.directory, name="directory"),
    path("models/", views.model_finder, name="finder"),
    path("tools/<slug:slug>/", views.tool_detail, name="detail"),
    path("tools/<slug:slug>/cost/", views.tool_cost, name="tool_cost"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.suggest, name="suggest"),
]
