"""The funding' pages of the workspace."""

from django.urls import path

from quartier.accounts.views.workspace import person_request
from quartier.funding.views import workspace

urlpatterns = [
    path(
        "foerderberatung/auskunft-und-loeschung/", person_request, {"kind": "funding"}, name="funding_person"
    ),
    path("foerderberatung/", workspace.consultation_list, name="funding"),
    path(
        "foerderberatung/meine-organisationen/",
        workspace.organisation_consultations,
        name="funding_organisations",
    ),
    path("foerderberatung/<int:pk>/", workspace.consultation_detail, name="funding_detail"),
    path("foerderprogramme/", workspace.programme_list, name="funding_programmes"),
]
