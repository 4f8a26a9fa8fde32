"""Who may manage an organisation and who acts for it.

- Staff manage an organisation's data: coordinators of its districts, city-wide staff (fallback team, city
  administration), platform administrators (`can_manage`).
- Who belongs to an organisation is decided by its managers, the city administration and platform administrators
  (`can_change_members`); coordinators decide it only where they are (legitimately) managers themselves.
- A membership counts only when someone else gave it (`is_member`): the inviter of the accepted invitation, or
  whoever added the person. A membership someone gave themselves counts for nothing, whatever its role.
"""

from quartier.accounts.models import Role
from quartier.accounts.permissions import CITYWIDE_ROLES, district_ids_for, is_platform_admin, roles_in

from .models import MemberRole, OrganisationMember


def can_manage(user, organisation) -> bool:
    """May edit the organisation's data (not its members: see `can_change_members`)."""
    if not user or not user.is_authenticated:
        return False
    if is_platform_admin(user) or roles_in(user, organisation.city) & CITYWIDE_ROLES:
        return True
    own = district_ids_for(user, organisation.city, roles={Role.COORDINATOR})
    return bool(own & {d.pk for d in organisation.districts.all()})


def can_create_in(user, city, district_ids) -> bool:
    """May create an organisation active in these districts (coordinators only in their own)."""
    if not user or not user.is_authenticated:
        return False
    if is_platform_admin(user) or roles_in(user, city) & CITYWIDE_ROLES:
        return True
    own = district_ids_for(user, city, roles={Role.COORDINATOR})
    return bool(district_ids) and set(district_ids) <= own


def counting_memberships(user):
    """The user's organisation memberships that count: those someone else gave them."""
    return OrganisationMember.objects.filter(user=user).exclude(added_by=user)


def membership(user, organisation) -> OrganisationMember | None:
    """The user's counting membership of the organisation, or None."""
    if not user or not user.is_authenticated:
        return None
    return counting_memberships(user).filter(organisation=organisation).first()


def is_member(user, organisation) -> bool:
    """Acts for the organisation (its events, offers, consultations) through a membership that counts."""
    return membership(user, organisation) is not None


def is_manager(user, organisation) -> bool:
    m = membership(user, organisation)
    return m is not None and m.role == MemberRole.MANAGER


def is_city_admin(user, city) -> bool:
    return is_platform_admin(user) or Role.CITY_ADMIN in roles_in(user, city)


def can_change_members(user, organisation) -> bool:
    """May invite people, change their role, remove them and withdraw invitations: the organisation's own managers,
    the city administration, platform administrators."""
    if not user or not user.is_authenticated:
        return False
    return is_city_admin(user, organisation.city) or is_manager(user, organisation)


def can_see_members(user, organisation) -> bool:
    """Sees the members and the recent membership changes: those who manage it or act for it."""
    return (
        can_manage(user, organisation)
        or can_change_members(user, organisation)
        or is_member(user, organisation)
    )


def can_create_any(user, city) -> bool:
    """May create organisations at all (city-wide staff, or a coordinator of some district)."""
    return can_create_in(user, city, []) or bool(district_ids_for(user, city, roles={Role.COORDINATOR}))
