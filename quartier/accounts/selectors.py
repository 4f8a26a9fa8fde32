"""Who receives a district's work. Work never goes nowhere (DESIGN.md, "who receives work")."""

from __future__ import annotations

from dataclasses import dataclass

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
    active = Membership.objects.filter(city=city, user__is_active=True).select_related("user")
    if district is not None:
        coordinators = [
            m.user for m in active.filter(role=Role.COORDINATOR, district=district).order_by("user__email")
        ]
        if coordinators:
            return Recipients(tuple(coordinators), "coordinators")
    for role, via in ((Role.FALLBACK, "fallback_team"), (Role.CITY_ADMIN, "city_admins")):
        users = [m.user for m in active.filter(role=role).order_by("user__email")]
        if users:
            return Recipients(tuple(users), via)
    return Recipients(
        tuple(User.objects.filter(is_superuser=True, is_active=True).order_by("email")), "platform_admins"
    )
