"""Who may change a city's place data in the workspace."""

from __future__ import annotations

from quartier.accounts.models import Role
from quartier.accounts.permissions import is_platform_admin, roles_in


def can_edit_postcode_pairs(user, city) -> bool:
    """City administrators of this city and platform administrators add and remove postcode ↔ Stadtteil pairs."""
    return is_platform_admin(user) or Role.CITY_ADMIN in roles_in(user, city)
