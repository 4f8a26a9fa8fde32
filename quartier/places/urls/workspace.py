"""Place data in the workspace: the postcode pairs."""

from django.urls import path

from quartier.places.views import workspace

urlpatterns = [
    path("postleitzahlen/", workspace.postcode_pairs, name="postcode_pairs"),
    path("postleitzahlen/zuordnen/", workspace.postcode_pair_add_view, name="postcode_pair_add"),
    path(
        "postleitzahlen/<int:pk>/entfernen/", workspace.postcode_pair_remove_view, name="postcode_pair_remove"
    ),
]
