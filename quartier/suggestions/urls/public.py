"""The suggestions' public pages."""

from django.urls import path

from quartier.suggestions.views import public

urlpatterns = [
    path("vorschlaege/", public.suggestion_list, name="suggestions"),
    path("vorschlaege/neu/", public.suggestion_new, name="suggestion_new"),
    path("vorschlaege/status/<str:token>/", public.suggestion_status, name="suggestion_status"),
]
