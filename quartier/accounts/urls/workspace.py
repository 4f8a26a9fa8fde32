"""The account and people pages of the workspace."""

from django.urls import path

from quartier.accounts import audit_views, people_views, twofactor_views

urlpatterns = [
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
    path("protokoll/", audit_views.audit_list, name="audit"),
    path("protokoll/protokoll.csv", audit_views.audit_export, name="audit_export"),
]
