from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("sso/<slug:provider>/", views.sso_entry, name="sso_entry"),
]
