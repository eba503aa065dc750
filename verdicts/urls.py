from django.urls import path

from verdicts import views

app_name = "verdicts"

urlpatterns = [
    path("", views.panel, name="panel"),
    path("<slug:slug>/", views.reviewer_detail, name="reviewer"),
]
