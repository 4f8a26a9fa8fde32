from django.urls import path

from quartier.events import urls as events_urls
from quartier.funding import urls as funding_urls
from quartier.offers import urls as offers_urls
from quartier.organisations.views import public as organisations_public
from quartier.suggestions import urls as suggestions_urls

from .views import public

app_name = "public"

urlpatterns = [
    path("", public.home, name="home"),
    path("finden/", public.find, name="find"),
    path("bezirke/", public.district_list, name="districts"),
    path("bezirke/<str:number>/", public.district_detail, name="district"),
    path("stadtteile/<slug:slug>/", public.neighbourhood_detail, name="neighbourhood"),
    path("stadtteile/<slug:slug>/kontakt.vcf", public.neighbourhood_vcard, name="neighbourhood_vcard"),
    path("impressum/", public.imprint, name="imprint"),
    path("datenschutz/", public.privacy, name="privacy"),
    path("barrierefreiheit/", public.accessibility, name="accessibility"),
    path("barrierefreiheit/feedback/", public.accessibility_feedback, name="accessibility_feedback"),
    path("einladung/<str:token>/", organisations_public.invitation_accept, name="invitation"),
    *events_urls.urlpatterns,
    *suggestions_urls.urlpatterns,
    *offers_urls.urlpatterns,
    *funding_urls.urlpatterns,
    path("datenquellen/", public.data_sources, name="data_sources"),
]
