"""The suggestions' pages of the workspace."""

from django.urls import path

from quartier.accounts.views.workspace import person_request
from quartier.suggestions.views import workspace

urlpatterns = [
    path("vorschlaege/", workspace.suggestion_list, name="suggestions"),
    path("vorschlaege/<int:pk>/", workspace.suggestion_detail, name="suggestion"),
    path(
        "vorschlaege/auskunft-und-loeschung/",
        person_request,
        {"kind": "suggestions"},
        name="suggestion_person",
    ),
    path("benachrichtigungen/", workspace.notification_settings, name="notifications"),
]
