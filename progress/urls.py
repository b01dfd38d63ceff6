from django.urls import path

from . import views

app_name = "progress"
urlpatterns = [
    path("courses/<slug:course_slug>/<slug:module_slug>/", views.module_player, name="module"),
]
