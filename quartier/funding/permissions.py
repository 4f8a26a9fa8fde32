"""Who handles a consultation: the coordinators of one of its districts; the fallback team for consultations
whose districts have no active coordinator; city and platform administrators for all (DESIGN.md)."""

from __future__ import annotations

from quartier.accounts.models import Role
from quartier.accounts.permissions import can_use_workspace, is_platform_admin, roles_in
from quartier.organisations.models import Organisation

HANDLER_ROLES = {Role.COORDINATOR, Role.FALLBACK, Role.CITY_ADMIN}


def handles_consultations(user, city) -> bool:
    return (
        bool(user and user.is_authenticated)
        and (is_platform_admin(user) or bool(roles_in(user, city) & HANDLER_ROLES))
        and can_use_workspace(user, city)
    )


def sees_own_consultations(user, city) -> bool:
    """Not a handler, but a member of an organisation of the city: sees the consultations of their organisations."""
    return (
        bool(user and user.is_authenticated)
        and not handles_consultations(user, city)
        and Organisation.objects.filter(city=city, members__user=user).exists()
    )
