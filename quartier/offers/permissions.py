"""Who may maintain an offer: its organisation's members, the coordinators of a district it takes place in, and
city-wide staff (fallback team, city administrators) and platform administrators."""

from __future__ import annotations

from quartier.accounts.models import Role
from quartier.accounts.permissions import district_ids_for, is_platform_admin, roles_in
from quartier.organisations.models import Organisation
from quartier.organisations.permissions import is_member

from .models import Offer

CITYWIDE = {Role.CITY_ADMIN, Role.FALLBACK}
COVERAGE_ROLES = {Role.COORDINATOR, Role.FALLBACK, Role.CENTRAL_STEERING, Role.CITY_ADMIN}


def is_citywide_staff(user, city) -> bool:
    return bool(user and user.is_authenticated) and (
        is_platform_admin(user) or bool(roles_in(user, city) & CITYWIDE)
    )


def sees_coverage(user, city) -> bool:
    """May see the coverage matrix of offers (Stadtteil × category)."""
    return is_platform_admin(user) or bool(roles_in(user, city) & COVERAGE_ROLES)


def manages_offers(user, city) -> bool:
    """May open the offers to maintain: city-wide staff, coordinators (their districts' offers, even if none yet),
    and the members of an organisation of the city (they may publish for it) or of one with offers here."""
    if not user or not user.is_authenticated or city is None:
        return False
    return (
        is_citywide_staff(user, city)
        or bool(district_ids_for(user, city, roles={Role.COORDINATOR}))
        or Organisation.objects.filter(city=city, members__user=user).exists()
        or Offer.objects.filter(city=city, organisation__members__user=user).exists()
    )


def can_edit(user, offer, district_ids: set[int] | None = None) -> bool:
    """May change the offer. `district_ids` are the offer's districts (looked up when not given)."""
    if not user or not user.is_authenticated:
        return False
    if is_citywide_staff(user, offer.city) or is_member(user, offer.organisation):
        return True
    if district_ids is None:
        district_ids = set(offer.neighbourhoods.values_list("district_id", flat=True))
    return bool(district_ids & district_ids_for(user, offer.city, roles={Role.COORDINATOR}))


def can_publish_for(user, organisation) -> bool:
    """May create offers for this organisation."""
    if not user or not user.is_authenticated:
        return False
    if is_citywide_staff(user, organisation.city) or is_member(user, organisation):
        return True
    own = district_ids_for(user, organisation.city, roles={Role.COORDINATOR})
    return bool(own & set(organisation.districts.values_list("pk", flat=True)))
