"""The funding' public pages."""

from django.urls import path

from quartier.funding.views import public

urlpatterns = [
    path("foerderberatung/", public.funding_new, name="funding_new"),
    path("foerderberatung/status/<str:token>/", public.funding_status, name="funding_status"),
]
