"""The inbox's pages in the workspace namespace (included by quartier/accounts/workspace_urls.py)."""

from django.urls import path

from .views import workspace

urlpatterns = [
    path("vorschlaege/", workspace.suggestion_list, name="suggestions"),
    path("vorschlaege/<int:pk>/", workspace.suggestion_detail, name="suggestion"),
    path("vorschlaege/auskunft-und-loeschung/", workspace.suggestion_person, name="suggestion_person"),
    path("benachrichtigungen/", workspace.notification_settings, name="notifications"),
]
