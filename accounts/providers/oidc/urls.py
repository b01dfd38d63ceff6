from django.urls import include, path, re_path

from . import views

# The names allauth's provider reverses ("<provider>_login", "<provider>_callback").
urlpatterns = [
    re_path(r"^(?P<provider_id>[^/]+)/", include([
        path("login/", views.login, name="openid_connect_login"),
        path("login/callback/", views.callback, name="openid_connect_callback"),
    ])),
]
