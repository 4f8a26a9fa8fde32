"""Who may do what with an event: its organisation's members organise, the district's reviewers review.

Staff act on events by district scope. A coordinator who is also a member of an organisation organises that
organisation's events only in their own districts, and a membership someone gave themselves counts for nothing
(organisations.permissions.is_member), so no sequence of invitations widens a coordinator's scope.
"""

from quartier.accounts.models import Role
from quartier.accounts.permissions import district_ids_for, is_platform_admin, roles_in
from quartier.accounts.selectors import work_recipients
from quartier.organisations.permissions import is_member


def event_district_id(event) -> int | None:
    """The district of the event's place (None for events without a place in a Stadtteil)."""
    return event.neighbourhood.district_id if event.neighbourhood_id else None


def is_organiser(user, event) -> bool:
    """Acts for the event's organisation; a coordinator only for events in their own districts."""
    if not is_member(user, event.organisation):
        return False
    own = district_ids_for(user, event.city, roles={Role.COORDINATOR})
    return not own or event_district_id(event) in own


def can_review(user, event) -> bool:
    """The coordinators of the event's district; for events without a district, or districts without a
    coordinator, whoever receives that work (the fallback team, decision 0013); city and platform administrators."""
    if not user or not user.is_authenticated:
        return False
    if is_platform_admin(user) or Role.CITY_ADMIN in roles_in(user, event.city):
        return True
    return user in work_recipients(city=event.city, district=event.district).users


def can_manage_registrations(user, event) -> bool:
    """Registrations (personal data) are for the organisers and the event's reviewers only."""
    return is_organiser(user, event) or can_review(user, event)
