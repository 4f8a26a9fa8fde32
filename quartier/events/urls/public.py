"""The events' public pages."""

from django.urls import path

from quartier.events.views import public

urlpatterns = [
    path("veranstaltungen/", public.event_list, name="events"),
    path("veranstaltungen/karte/", public.event_map, name="event_map"),
    path("veranstaltungen/<int:pk>-<slug:slug>/", public.event_detail, name="event"),
    path("veranstaltungen/<int:pk>-<slug:slug>/kalender.ics", public.event_ics, name="event_ics"),
    path("veranstaltungen/<int:event_id>/anmelden/", public.event_register, name="event_register"),
    path("anmeldung/<str:token>/", public.registration_cancel, name="registration_cancel"),
    path("programme/<slug:slug>/", public.programme_detail, name="programme"),
    path("programme/<slug:slug>/programm.pdf", public.programme_pdf, name="programme_pdf"),
]
