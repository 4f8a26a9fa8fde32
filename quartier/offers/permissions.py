"""Who may do what with offers: maintain an offer (its organisation's members, the coordinators of a district it
takes place in, city-wide staff (fallback team, city administrators) and platform administrators), and see the
coverage matrix."""

from __future__ import annotations

from quartier.accounts.models import Role
from quartier.accounts.permissions import district_ids_for, is_citywide_staff, is_platform_admin, roles_in
from quartier.organisations.permissions import is_member

from . import selectors

COVERAGE_ROLES = frozenset({Role.COORDINATOR, Role.FALLBACK, Role.CENTRAL_STEERING, Role.CITY_ADMIN})


def manages_offers(user, city) -> bool:
    """Has offers to maintain, or may create some: the workspace's offer list and "Neues Angebot"."""
    if not user or not user.is_authenticated or city is None:
        return False
    return (
        is_citywide_staff(user, city)
        or bool(
            district_ids_for(user, city, roles={Role.COORDINATOR})
        )  # their districts' offers, even if none yet
        or selectors.publishable_organisations(user, city).exists()
        or selectors.editable_by(user, city).exists()
    )


def sees_coverage(user, city) -> bool:
    """May see the coverage matrix (page and CSV)."""
    return is_platform_admin(user) or bool(roles_in(user, city) & COVERAGE_ROLES)


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
