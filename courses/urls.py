from django.urls import path

from . import views

app_name = "courses"
# Before progress's courses/<course>/<module>/ pattern; the loader reserves these module slugs.
# The catalogue ("courses:catalogue") shows the learner's progress, so its view is progress's:
# config/urls.py adds it to this namespace.
urlpatterns = [
    path("courses/<slug:course_slug>/glossary/", views.glossary, name="glossary"),
    path("courses/<slug:course_slug>/resources/", views.resources, name="resources"),
    path("courses/<slug:course_slug>/resources/<slug:slug>/", views.resource_detail, name="resource"),
    path("courses/<slug:course_slug>/resources/<slug:slug>/download/", views.resource_download,
         name="resource_download"),
]
