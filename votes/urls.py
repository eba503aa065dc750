from django.urls import path

from votes import views

app_name = "votes"

urlpatterns = [
    path("tools/<slug:slug>/vote/", views.vote, name="vote"),
    path("tools/<slug:slug>/bookmark/", views.bookmark, name="bookmark"),
    path("bookmarks/", views.bookmarks, name="bookmarks"),
]
