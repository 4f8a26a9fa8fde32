"""The offers' pages in the workspace namespace (included by quartier/accounts/workspace_urls.py)."""

from django.urls import path

from .views import workspace

urlpatterns = [
    path("angebote/abdeckung/", workspace.offer_coverage, name="offer_coverage"),
    path("angebote/abdeckung.csv", workspace.offer_coverage_csv, name="offer_coverage_csv"),
]
