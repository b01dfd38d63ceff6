from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("courses/<slug:course_slug>/", views.course_outline, name="outline"),
]
