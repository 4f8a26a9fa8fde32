"""The places' public pages: the finder, the district list, a contact card, the data sources (a district's and a
Stadtteil's page are the site's: quartier/site/urls.py)."""

from django.urls import path

from quartier.places.views import public

urlpatterns = [
    path("finden/", public.find, name="find"),
    path("bezirke/", public.district_list, name="districts"),
    path("stadtteile/<slug:slug>/kontakt.vcf", public.neighbourhood_vcard, name="neighbourhood_vcard"),
    path("datenquellen/", public.data_sources, name="data_sources"),
]
