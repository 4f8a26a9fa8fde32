"""The offers' pages of the workspace."""

from django.urls import path

from quartier.offers.views import workspace

urlpatterns = [
    path("angebote/abdeckung/", workspace.offer_coverage, name="offer_coverage"),
    path("angebote/abdeckung.csv", workspace.offer_coverage_csv, name="offer_coverage_csv"),
    path("angebote/", workspace.offer_list, name="offers"),
    path("angebote/neu/", workspace.offer_new, name="offer_new"),
    path("angebote/neu/<int:organisation_id>/", workspace.offer_create, name="offer_create"),
    path("angebote/<int:pk>/bearbeiten/", workspace.offer_edit, name="offer_edit"),
    path("angebote/<int:pk>/bestaetigen/", workspace.offer_confirm, name="offer_confirm"),
]
