"""The events' pages of the workspace: review, editing and registrations."""

from django.urls import path

from quartier.events.views import workspace

urlpatterns = [
    path("veranstaltungen/", workspace.event_list, name="events"),
    path("veranstaltungen/neu/<int:organisation_id>/", workspace.event_create, name="event_create"),
    path("veranstaltungen/<int:pk>/", workspace.event_detail, name="event"),
    path("veranstaltungen/<int:pk>/anmeldungen/", workspace.event_registrations, name="event_registrations"),
    path(
        "veranstaltungen/<int:pk>/anmeldungen/<str:termin>/",
        workspace.event_registrations_date,
        name="event_registrations_date",
    ),
    path(
        "veranstaltungen/<int:pk>/anmeldungen/<str:termin>/anmeldungen.csv",
        workspace.event_registrations_csv,
        name="event_registrations_csv",
    ),
    path(
        "veranstaltungen/<int:pk>/anmeldungen/<str:termin>/anwesenheit/",
        workspace.event_attendance,
        name="event_attendance",
    ),
    path(
        "veranstaltungen/<int:pk>/anmeldungen/<str:termin>/nachricht/",
        workspace.event_registrations_message,
        name="event_registrations_message",
    ),
]
