"""Who may do what with an event: its organisation's members organise, the district's reviewers review."""

from quartier.accounts.models import Role
from quartier.accounts.permissions import is_platform_admin, roles_in
from quartier.accounts.selectors import work_recipients


def is_organiser(user, event) -> bool:
    return bool(user and user.is_authenticated and event.organisation.members.filter(user=user).exists())


def can_review(user, event) -> bool:
    """The coordinators of the event's district; for events without a district, or districts without a
    coordinator, whoever receives that work (the fallback team, DESIGN.md); city and platform administrators."""
    if not user or not user.is_authenticated:
        return False
    if is_platform_admin(user) or Role.CITY_ADMIN in roles_in(user, event.city):
        return True
    return user in work_recipients(city=event.city, district=event.district).users


def can_manage_registrations(user, event) -> bool:
    """Registrations (personal data) are for the organisers and the event's reviewers only."""
    return is_organiser(user, event) or can_review(user, event)
