from django.urls import path

from . import views

app_name = "workspace"

urlpatterns = [
    path("", views.workspace_home, name="home"),
]

from quartier.organisations.views import workspace as organisations  # noqa: E402

urlpatterns += [
    path("organisationen/", organisations.organisation_list, name="organisations"),
    path("organisationen/neu/", organisations.organisation_create, name="organisation_create"),
    path("organisationen/<int:pk>/", organisations.organisation_detail, name="organisation"),
]

from quartier.events.views import workspace as events  # noqa: E402

urlpatterns += [
    path("veranstaltungen/", events.event_list, name="events"),
    path("veranstaltungen/neu/<int:organisation_id>/", events.event_create, name="event_create"),
    path("veranstaltungen/<int:pk>/", events.event_detail, name="event"),
]

from quartier.suggestions import workspace_urls as suggestions  # noqa: E402

urlpatterns += suggestions.urlpatterns

from quartier.offers import workspace_urls as offers  # noqa: E402

urlpatterns += offers.urlpatterns

from quartier.funding import workspace_urls as funding  # noqa: E402

urlpatterns += funding.urlpatterns
