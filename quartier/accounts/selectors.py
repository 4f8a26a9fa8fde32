"""Who receives a district's work. Work never goes nowhere (DESIGN.md, "who receives work")."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Membership, Role, User


@dataclass(frozen=True)
class Recipients:
    users: tuple[User, ...]
    via: str  # "coordinators", "fallback_team", "city_admins", "platform_admins"

    @property
    def label(self) -> str:
        return str(
            {
                "coordinators": _("Koordinator*innen des Stadtbezirks"),
                "fallback_team": _("Rückfallteam der Stadt"),
                "city_admins": _("Administration der Stadt"),
                "platform_admins": _("Plattform-Administration"),
            }[self.via]
        )


def work_recipients(*, city, district=None) -> Recipients:
    """The people who receive work for `district` (or for work without a district): its coordinators, else the
    city's fallback team, else the city's administrators, else the platform administrators."""
    roles = (Role.COORDINATOR, Role.FALLBACK, Role.CITY_ADMIN)
    members = list(  # one query: a city has a few dozen such memberships
        Membership.objects.filter(city=city, user__is_active=True, role__in=roles)
        .select_related("user")
        .order_by("user__email", "pk")
    )
    if district is not None:
        coordinators = [
            m.user for m in members if m.role == Role.COORDINATOR and m.district_id == district.pk
        ]
        if coordinators:
            return Recipients(tuple(coordinators), "coordinators")
    for role, via in ((Role.FALLBACK, "fallback_team"), (Role.CITY_ADMIN, "city_admins")):
        users = [m.user for m in members if m.role == role]
        if users:
            return Recipients(tuple(users), via)
    return Recipients(
        tuple(User.objects.filter(is_superuser=True, is_active=True).order_by("email")), "platform_admins"
    )


def work_scope(user, city, *, district_field: str = "district") -> Q | None:
    """The district scope of the work a user receives in `city`, as a condition on `district_field`.

    None means everything in the city (city and platform administrators). Coordinators get their districts; the
    fallback team gets what has no district and the districts without an active coordinator (the same rule as
    `work_recipients`). Anyone else gets a condition that matches nothing.
    """
    from quartier.places.models import District

    from .permissions import district_ids_for, is_platform_admin, roles_in

    roles = roles_in(user, city)
    if is_platform_admin(user) or Role.CITY_ADMIN in roles:
        return None
    scope = Q(pk__in=[])
    own = district_ids_for(user, city, roles={Role.COORDINATOR})
    if own:
        scope |= Q(**{f"{district_field}_id__in": own})
    if Role.FALLBACK in roles:
        with_coordinator = District.objects.filter(
            city=city, memberships__role=Role.COORDINATOR, memberships__user__is_active=True
        ).values("pk")
        scope |= Q(**{f"{district_field}__isnull": True}) | ~Q(
            **{f"{district_field}_id__in": with_coordinator}
        )
    return scope
