from django.urls import path

from quartier.site import views as site_views

from . import people_views, twofactor_views

app_name = "workspace"

urlpatterns = [
    path("", site_views.workspace_home, name="home"),
    path("personen/", people_views.people_list, name="people"),
    path("personen/einladen/", people_views.person_invite, name="person_invite"),
    path("personen/<int:pk>/", people_views.person_detail, name="person"),
    path("personen/<int:pk>/einladung-erneut-senden/", people_views.person_resend, name="person_resend"),
    path("personen/<int:pk>/deaktivieren/", people_views.person_deactivate, name="person_deactivate"),
    path("personen/<int:pk>/reaktivieren/", people_views.person_reactivate, name="person_reactivate"),
    path(
        "personen/<int:pk>/zweiten-faktor-zuruecksetzen/",
        people_views.person_two_factor_reset,
        name="person_two_factor_reset",
    ),
    path("anmeldung-absichern/", twofactor_views.security, name="two_factor"),
    path(
        "anmeldung-absichern/wiederherstellungscodes/",
        twofactor_views.recovery_codes_renew,
        name="two_factor_codes_renew",
    ),
]

from quartier.organisations.views import workspace as organisations  # noqa: E402

urlpatterns += [
    path("organisationen/", organisations.organisation_list, name="organisations"),
    path("organisationen/neu/", organisations.organisation_create, name="organisation_create"),
    path("organisationen/<int:pk>/", organisations.organisation_detail, name="organisation"),
]

from quartier.events.views import registrations as event_registrations  # noqa: E402
from quartier.events.views import workspace as events  # noqa: E402

urlpatterns += [
    path("veranstaltungen/", events.event_list, name="events"),
    path("veranstaltungen/neu/<int:organisation_id>/", events.event_create, name="event_create"),
    path("veranstaltungen/<int:pk>/", events.event_detail, name="event"),
    path(
        "veranstaltungen/<int:pk>/anmeldungen/",
        event_registrations.event_registrations,
        name="event_registrations",
    ),
    path(
        "veranstaltungen/<int:pk>/anmeldungen/<str:termin>/",
        event_registrations.event_registrations_date,
        name="event_registrations_date",
    ),
    path(
        "veranstaltungen/<int:pk>/anmeldungen/<str:termin>/anmeldungen.csv",
        event_registrations.event_registrations_csv,
        name="event_registrations_csv",
    ),
    path(
        "veranstaltungen/<int:pk>/anmeldungen/<str:termin>/anwesenheit/",
        event_registrations.event_attendance,
        name="event_attendance",
    ),
    path(
        "veranstaltungen/<int:pk>/anmeldungen/<str:termin>/nachricht/",
        event_registrations.event_registrations_message,
        name="event_registrations_message",
    ),
]

from quartier.suggestions import workspace_urls as suggestions  # noqa: E402

urlpatterns += suggestions.urlpatterns

from quartier.offers import workspace_urls as offers  # noqa: E402

urlpatterns += offers.urlpatterns

from quartier.funding import workspace_urls as funding  # noqa: E402

urlpatterns += funding.urlpatterns

from quartier.places import workspace_urls as places  # noqa: E402

urlpatterns += places.urlpatterns

from . import audit_views  # noqa: E402

urlpatterns += [
    path("protokoll/", audit_views.audit_list, name="audit"),
    path("protokoll/protokoll.csv", audit_views.audit_export, name="audit_export"),
]
