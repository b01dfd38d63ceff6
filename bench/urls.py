"""URLs for `make bench`: the whole site plus the framework floor (a static template rendered
through the same middleware stack). Selected with DJANGO_ROOT_URLCONF=bench.urls; never in production."""

from django.urls import path
from django.views.generic import TemplateView

from config.urls import handler400, handler500  # noqa: F401 - the site's error pages
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("bench/floor/", TemplateView.as_view(template_name="bench/floor.html")),
    *site_urlpatterns,
]
