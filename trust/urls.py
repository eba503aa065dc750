from django.urls import path

from trust import views

app_name = "trust"

urlpatterns = [
    path("tools/<slug:slug>/report-an-error/", views.report, name="report"),
    path("tools/<slug:slug>/report-an-error/thanks/", views.report_thanks, name="report_thanks"),
]
