"""The places' entry of the workspace navigation: the postcode ↔ Stadtteil pairs, for administrators."""

from django.utils.translation import gettext_lazy as _

from quartier.core.navigation import MenuEntry

from .permissions import can_edit_postcode_pairs

ENTRIES = [MenuEntry("workspace:postcode_pairs", _("Postleitzahlen"), can_edit_postcode_pairs, order=100)]
