"""The account and people pages of the workspace."""

from django.urls import path

from quartier.accounts.views import workspace

urlpatterns = [
    path("personen/", workspace.people_list, name="people"),
    path("personen/einladen/", workspace.person_invite, name="person_invite"),
    path("personen/<int:pk>/", workspace.person_detail, name="person"),
    path("personen/<int:pk>/einladung-erneut-senden/", workspace.person_resend, name="person_resend"),
    path("personen/<int:pk>/deaktivieren/", workspace.person_deactivate, name="person_deactivate"),
    path("personen/<int:pk>/reaktivieren/", workspace.person_reactivate, name="person_reactivate"),
    path(
        "personen/<int:pk>/zweiten-faktor-zuruecksetzen/",
        workspace.person_two_factor_reset,
        name="person_two_factor_reset",
    ),
    path("anmeldung-absichern/", workspace.security, name="two_factor"),
    path(
        "anmeldung-absichern/wiederherstellungscodes/",
        workspace.recovery_codes_renew,
        name="two_factor_codes_renew",
    ),
    path("protokoll/", workspace.audit_list, name="audit"),
    path("protokoll/protokoll.csv", workspace.audit_export, name="audit_export"),
]
