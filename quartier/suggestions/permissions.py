"""Who may handle a suggestion: whoever receives its district's work (decision 0013), and the administrators."""

from quartier.accounts.models import Role
from quartier.accounts.permissions import HANDLER_ROLES, is_platform_admin, roles_in
from quartier.accounts.selectors import work_recipients


def handles_suggestions(user, city) -> bool:
    """Whether `user` receives suggestions in `city` at all (coordinators, fallback team, administrators)."""
    return is_platform_admin(user) or bool(roles_in(user, city) & HANDLER_ROLES)


def can_handle(user, suggestion) -> bool:
    """The coordinators of the suggestion's district; where it has none, or for suggestions without a district,
    the city's fallback team; city and platform administrators."""
    if not user or not user.is_authenticated:
        return False
    if is_platform_admin(user) or Role.CITY_ADMIN in roles_in(user, suggestion.city):
        return True
    return user in work_recipients(city=suggestion.city, district=suggestion.district).users


def handlers(suggestion):
    """The people a suggestion can be assigned to."""
    return work_recipients(city=suggestion.city, district=suggestion.district).users
