"""Who may manage an organisation: its members, coordinators of its districts, city-wide staff."""

from quartier.accounts.models import Role
from quartier.accounts.permissions import district_ids_for, is_platform_admin, roles_in

CITYWIDE = {Role.CITY_ADMIN, Role.FALLBACK}


def can_manage(user, organisation) -> bool:
    """May edit the organisation and invite its people."""
    if not user or not user.is_authenticated:
        return False
    if is_platform_admin(user) or roles_in(user, organisation.city) & CITYWIDE:
        return True
    own = district_ids_for(user, organisation.city, roles={Role.COORDINATOR})
    return bool(own & {d.pk for d in organisation.districts.all()})


def can_create_in(user, city, district_ids) -> bool:
    """May create an organisation active in these districts (coordinators only in their own)."""
    if not user or not user.is_authenticated:
        return False
    if is_platform_admin(user) or roles_in(user, city) & CITYWIDE:
        return True
    own = district_ids_for(user, city, roles={Role.COORDINATOR})
    return bool(district_ids) and set(district_ids) <= own


def is_member(user, organisation) -> bool:
    return bool(user and user.is_authenticated and organisation.members.filter(user=user).exists())


def can_create_any(user, city) -> bool:
    """May create organisations at all (city-wide staff, or a coordinator of some district)."""
    return can_create_in(user, city, []) or bool(district_ids_for(user, city, roles={Role.COORDINATOR}))
