"""The organisations' public pages."""

from django.urls import path

from quartier.organisations.views import public

urlpatterns = [
    path("einladung/<str:token>/", public.invitation_accept, name="invitation"),
    path("organisationen/<slug:slug>/", public.organisation, name="organisation"),
]
