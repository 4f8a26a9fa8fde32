"""Public URLs of funding advice, included into the `public` namespace by quartier.places.urls: the request form
with the comparison, and the requester's secret status page."""

from django.urls import path

from .views import public

urlpatterns = [
    path("foerderberatung/", public.funding_new, name="funding_new"),
    path("foerderberatung/status/<str:token>/", public.funding_status, name="funding_status"),
]
