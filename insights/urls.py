from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:course_slug>/", views.course_detail, name="course"),
    path("<slug:course_slug>/<slug:module_slug>/", views.module_detail, name="module"),
]
