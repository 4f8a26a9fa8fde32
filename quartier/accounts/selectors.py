"""Who receives a district's work. Work never goes nowhere (decision 0013)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quartier.core.tokens import token_hash
from quartier.places.models import City, District
from quartier.places.selectors import districts_with_places

from .models import Membership, Role, StaffInvitation, User
from .permissions import district_ids_for, is_platform_admin, manages_people, roles_in


@dataclass(frozen=True)
class Recipients:
    users: tuple[User, ...]
    via: str  # "coordinators", "fallback_team", "city_admins", "platform_admins"

    @property
    def label(self) -> str:
        return str(
            {
                "coordinators": _("Koordinator*innen des Stadtbezirks"),
                "fallback_team": _("zentrale Integrationskoordination der Stadt"),
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


def workspace_districts(user, city: City) -> QuerySet[District]:
    """Districts a staff member works in: their own for district roles, all for city-wide roles."""
    everything = is_platform_admin(user) or roles_in(user, city) & {
        Role.CITY_ADMIN,
        Role.CENTRAL_STEERING,
        Role.FALLBACK,
    }
    qs = districts_with_places(city)
    return qs if everything else qs.filter(pk__in=district_ids_for(user, city))


def operator_recipients(city) -> list[str]:
    """Where messages for the operator go: the stated address, else city administrators, else platform admins."""
    operator = getattr(city, "operator", None)
    for address in (
        getattr(operator, "accessibility_feedback_email", ""),
        getattr(operator, "contact_email", ""),
    ):
        if address:
            return [address]
    admins = list(
        Membership.objects.filter(city=city, role=Role.CITY_ADMIN, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )
    return admins or list(
        User.objects.filter(is_superuser=True, is_active=True).values_list("email", flat=True)
    )


def work_recipients_by_district(*, city, districts) -> dict[int, Recipients]:
    """`work_recipients` for several districts at once, with one query for the memberships (start page)."""
    roles = (Role.COORDINATOR, Role.FALLBACK, Role.CITY_ADMIN)
    members = list(
        Membership.objects.filter(city=city, user__is_active=True, role__in=roles)
        .select_related("user")
        .order_by("user__email", "pk")
    )
    fallback = None
    for role, via in ((Role.FALLBACK, "fallback_team"), (Role.CITY_ADMIN, "city_admins")):
        users = [m.user for m in members if m.role == role]
        if users:
            fallback = Recipients(tuple(users), via)
            break
    if fallback is None:
        fallback = Recipients(
            tuple(User.objects.filter(is_superuser=True, is_active=True).order_by("email")), "platform_admins"
        )
    result = {}
    for district in districts:
        coordinators = [
            m.user for m in members if m.role == Role.COORDINATOR and m.district_id == district.pk
        ]
        result[district.pk] = Recipients(tuple(coordinators), "coordinators") if coordinators else fallback
    return result


# --- the city's staff accounts (the "Personen" area) -----------------------------------------------------------


@dataclass
class PeopleFilters:
    q: str | None = None
    status: str | None = None  # "active", "invited", "deactivated"
    role: str | None = None
    district: int | None = None


def people(user, city, filters: PeopleFilters | None = None):
    """Accounts with a role in `city`, for those who manage the city's staff; nothing for anyone else.

    Each account carries `city_memberships` (its roles here) and `invitation_expires_at` (set while an invitation
    is open)."""
    if not manages_people(user, city):
        return User.objects.none()
    f = filters or PeopleFilters()
    in_city = Membership.objects.filter(city=city, user=OuterRef("pk"))
    pending = StaffInvitation.objects.filter(user=OuterRef("pk"), accepted_at__isnull=True).order_by(
        "-expires_at"
    )
    qs = (
        User.objects.filter(Exists(in_city))
        .annotate(invitation_expires_at=Subquery(pending.values("expires_at")[:1]))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(city=city)
                .select_related("district")
                .defer("district__boundary")
                .order_by("role", "district__ordinal"),
                to_attr="city_memberships",
            )
        )
    )
    if f.status == "active":
        qs = qs.filter(is_active=True, invitation_expires_at__isnull=True)
    elif f.status == "invited":
        qs = qs.filter(is_active=True, invitation_expires_at__isnull=False)
    elif f.status == "deactivated":
        qs = qs.filter(is_active=False)
    if f.role or f.district:
        condition = Membership.objects.filter(city=city, user=OuterRef("pk"))
        if f.role:
            condition = condition.filter(role=f.role)
        if f.district:
            condition = condition.filter(district_id=f.district)
        qs = qs.filter(Exists(condition))
    if f.q:
        for word in f.q.split()[:8]:
            qs = qs.filter(
                Q(email__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
            )
    return qs.order_by("last_name", "first_name", "email", "pk")


def person(user, city, pk: int) -> User | None:
    """One account of the city, only for those who manage the city's staff (fetch and check in one call)."""
    if not 0 < pk < 2**31:
        return None
    return people(user, city).filter(pk=pk).first()


def people_counts(city) -> dict[str, int]:
    """Open and expired invitations of the city's accounts (for the administrators' start page)."""
    now = timezone.now()
    return StaffInvitation.objects.filter(
        city=city, accepted_at__isnull=True, user__is_active=True
    ).aggregate(
        invited=Count("pk", filter=Q(expires_at__gt=now)),
        expired=Count("pk", filter=Q(expires_at__lte=now)),
    )


# Longer tokens are not looked up (new_token makes 43 characters).
MAX_TOKEN_LENGTH = 100


def staff_invitation_for_token(token: str) -> StaffInvitation | None:
    """The open, unexpired invitation of an active account for this token, or None (a wrong token is not found)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return (
        StaffInvitation.objects.select_related("user", "city")
        .defer("city__boundary")
        .filter(
            token_hash=token_hash(token),
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )
