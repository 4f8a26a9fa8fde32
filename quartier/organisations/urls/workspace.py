"""The organisations' pages of the workspace."""

from django.urls import path

from quartier.organisations.views import workspace

urlpatterns = [
    path("organisationen/", workspace.organisation_list, name="organisations"),
    path("organisationen/neu/", workspace.organisation_create, name="organisation_create"),
    path("organisationen/<int:pk>/", workspace.organisation_detail, name="organisation"),
]
