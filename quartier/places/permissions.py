"""Who may change a city's place data in the workspace.

The roles that decide it live one layer up (accounts), so places asks Django's permission system with the city
as the object, and accounts' login backend answers (accounts/permissions.py, DELEGATED_PERMISSIONS)."""

from __future__ import annotations

EDIT_POSTCODE_PAIRS = "places.edit_postcode_pairs"


def can_edit_postcode_pairs(user, city) -> bool:
    """City administrators of this city and platform administrators add and remove postcode ↔ Stadtteil pairs."""
    return bool(user) and user.has_perm(EDIT_POSTCODE_PAIRS, city)
