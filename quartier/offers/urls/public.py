"""The offers' public pages."""

from django.urls import path

from quartier.offers.views import public

urlpatterns = [
    path("angebote/", public.offer_list, name="offers"),
    path("angebote/bestaetigen/<str:token>/", public.offer_confirm, name="offer_confirm"),
    path("angebote/<slug:slug>/", public.offer_detail, name="offer"),
]
