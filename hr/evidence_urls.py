"""The public verification of evidence packs (an auditor may have no account here)."""

from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("verify/<str:code>/", views.evidence_verify, name="verify"),
]
