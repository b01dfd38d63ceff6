"""The public verification of evidence packs (an auditor may have no account here)."""

from django.urls import path

from . import compliance_views

app_name = "evidence"
urlpatterns = [
    path("verify/<str:code>/", compliance_views.evidence_verify, name="verify"),
]
