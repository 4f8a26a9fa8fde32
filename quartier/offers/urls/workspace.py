"""The offers' pages of the workspace."""

from django.urls import path

from quartier.offers.views import manage, workspace

urlpatterns = [
    path("angebote/abdeckung/", workspace.offer_coverage, name="offer_coverage"),
    path("angebote/abdeckung.csv", workspace.offer_coverage_csv, name="offer_coverage_csv"),
    path("angebote/", manage.offer_list, name="offers"),
    path("angebote/neu/", manage.offer_new, name="offer_new"),
    path("angebote/neu/<int:organisation_id>/", manage.offer_create, name="offer_create"),
    path("angebote/<int:pk>/bearbeiten/", manage.offer_edit, name="offer_edit"),
    path("angebote/<int:pk>/bestaetigen/", manage.offer_confirm, name="offer_confirm"),
]
