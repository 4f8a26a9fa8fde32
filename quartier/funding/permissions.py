"""Who handles a consultation: the coordinators of one of its districts; the fallback team for consultations
whose districts have no active coordinator; city and platform administrators for all (decision 0013)."""

from __future__ import annotations

from quartier.accounts.permissions import HANDLER_ROLES, can_use_workspace, is_platform_admin, roles_in
from quartier.organisations.models import OrganisationMember


def handles_consultations(user, city) -> bool:
    return (
        bool(user and user.is_authenticated)
        and (is_platform_admin(user) or bool(roles_in(user, city) & HANDLER_ROLES))
        and can_use_workspace(user, city)
    )


def follows_organisation_consultations(user, city) -> bool:
    """A member of one of the city's organisations: follows the consultations their organisations sent."""
    return bool(user and user.is_authenticated) and (
        OrganisationMember.objects.filter(organisation__city=city, user=user).exists()
    )


def sees_consultation_list(user, city) -> bool:
    """The consultations page: handlers see their list; organisation members are sent on to their own."""
    return handles_consultations(user, city) or follows_organisation_consultations(user, city)


def sees_own_consultations(user, city) -> bool:
    """Not a handler, but a member of an organisation of the city: sees the consultations of their organisations."""
    return (
        bool(user and user.is_authenticated)
        and not handles_consultations(user, city)
        and follows_organisation_consultations(user, city)
    )
