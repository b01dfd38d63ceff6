from django.urls import path

from . import views

app_name = "courses"
# Before progress's courses/<course>/<module>/ pattern; the loader reserves these module slugs.
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("courses/<slug:course_slug>/glossary/", views.glossary, name="glossary"),
    path("courses/<slug:course_slug>/resources/", views.resources, name="resources"),
    path("courses/<slug:course_slug>/resources/<slug:slug>/", views.resource_detail, name="resource"),
    path("courses/<slug:course_slug>/resources/<slug:slug>/download/", views.resource_download,
         name="resource_download"),
]
