"""The places' public pages: the finder, districts and Stadtteile, a contact card, the data sources."""

from django.urls import path

from quartier.places.views import public

urlpatterns = [
    path("finden/", public.find, name="find"),
    path("bezirke/", public.district_list, name="districts"),
    path("bezirke/<str:number>/", public.district_detail, name="district"),
    path("stadtteile/<slug:slug>/", public.neighbourhood_detail, name="neighbourhood"),
    path("stadtteile/<slug:slug>/kontakt.vcf", public.neighbourhood_vcard, name="neighbourhood_vcard"),
    path("datenquellen/", public.data_sources, name="data_sources"),
]
