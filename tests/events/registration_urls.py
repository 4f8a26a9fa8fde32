"""Test-only URLconf: the project's URLs plus the registration pages in the public namespace."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from quartier.events import registration_views
from quartier.places import urls as places_urls

public_patterns = [
    *places_urls.urlpatterns,
    path(
        "veranstaltungen/<int:event_id>/anmelden/",
        registration_views.event_register,
        name="event_register",
    ),
    path("anmeldung/<str:token>/", registration_views.registration_cancel, name="registration_cancel"),
]

urlpatterns = i18n_patterns(
    path("konto/", include("quartier.accounts.urls")),
    path("arbeitsbereich/", include("quartier.accounts.workspace_urls")),
    path("", include((public_patterns, "public"))),
    prefix_default_language=True,
)
