from django.urls import path

from newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("", views.signup, name="signup"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("check-your-inbox/", views.check_inbox, name="check_inbox"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
