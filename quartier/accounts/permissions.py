"""Who may do what where. Selectors and views ask here; nothing else decides scope."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

# The view decorator lives in core, so that places (below accounts) declares its views' permissions the same way;
# the rooms above import it from here, with their role sets.
from quartier.core.permissions import Predicate
from quartier.places.permissions import EDIT_POSTCODE_PAIRS

from .models import DISTRICT_ROLES, Membership, Role

# The role sets, defined here once; each app's permissions.py builds its predicates from them.
CITYWIDE_ROLES = frozenset({Role.CITY_ADMIN, Role.FALLBACK})  # act in every district of their city
HANDLER_ROLES = frozenset({Role.COORDINATOR, Role.FALLBACK, Role.CITY_ADMIN})  # handle residents' requests

WORKSPACE_ROLES = {
    Role.COORDINATOR,
    Role.FALLBACK,
    Role.COMPETENCE_MEMBER,
    Role.CENTRAL_STEERING,
    Role.CITY_ADMIN,
    Role.ORGANISATION_MEMBER,
}


def is_platform_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser)


def roles_in(user, city) -> set[str]:
    if not user or not user.is_authenticated or city is None:
        return set()
    cache = getattr(user, "_roles_cache", None)
    if cache is None:
        cache = {}
        for m in Membership.objects.filter(user=user).values("city_id", "role", "district_id"):
            cache.setdefault(m["city_id"], []).append((m["role"], m["district_id"]))
        user._roles_cache = cache
    return {role for role, _d in cache.get(city.pk, [])}


def district_ids_for(user, city, *, roles=frozenset(DISTRICT_ROLES)) -> set[int]:
    """District ids in which the user acts through a district-bound role."""
    roles_in(user, city)
    if not user or not user.is_authenticated or city is None:
        return set()
    return {d for role, d in user._roles_cache.get(city.pk, []) if role in roles and d}


def is_citywide_staff(user, city) -> bool:
    """Acts in every district of the city: the fallback team, city administrators, platform administrators."""
    return bool(user and user.is_authenticated) and (
        is_platform_admin(user) or bool(roles_in(user, city) & CITYWIDE_ROLES)
    )


def can_use_workspace(user, city) -> bool:
    return is_platform_admin(user) or bool(roles_in(user, city) & WORKSPACE_ROLES)


def require_workspace(user, city) -> None:
    if not can_use_workspace(user, city):
        raise PermissionDenied


def manages_people(user, city) -> bool:
    """City administrators (of this city) and platform administrators manage the city's staff accounts."""
    return is_platform_admin(user) or Role.CITY_ADMIN in roles_in(user, city)


def require_people_manager(user, city) -> None:
    if not manages_people(user, city):
        raise PermissionDenied


def require_account_of_city(actor, city, user, *, whole_account: bool = False) -> None:
    """City administrators act on accounts with a role in their city, never on platform administrators; changes
    to the whole account (deactivation) also need the account to belong to no other city."""
    if not Membership.objects.filter(user=user, city=city).exists():
        raise PermissionDenied
    if is_platform_admin(actor):
        return
    if user.is_superuser:
        raise PermissionDenied
    if whole_account and Membership.objects.filter(user=user).exclude(city=city).exists():
        raise ValidationError(
            _(
                "Dieses Konto hat auch Rollen in einer anderen Stadt. Bitte wenden Sie sich an die "
                "Plattform-Administration."
            )
        )


def edits_place_data(user, city) -> bool:
    """City administrators of this city and platform administrators add and remove postcode ↔ Stadtteil pairs."""
    return is_platform_admin(user) or Role.CITY_ADMIN in roles_in(user, city)


# What places (the layer below, which knows no roles) asks through Django's `user.has_perm(name, city)`: the login
# backend (backends.py) answers these names with the predicates here.
DELEGATED_PERMISSIONS: dict[str, Predicate] = {EDIT_POSTCODE_PAIRS: edits_place_data}
