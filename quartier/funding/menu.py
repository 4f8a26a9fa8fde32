"""The funding entries of the workspace navigation: the consultations with the number of open ones for those who
handle them, else the consultations of one's own organisations."""

from django.utils.translation import gettext_lazy as _

from quartier.core.navigation import MenuEntry

from . import selectors
from .permissions import handles_consultations, sees_own_consultations
from .workflow import OPEN


def open_count(user, city) -> int:
    """The open consultations in the user's scope."""
    return selectors.inbox(user, city).filter(status__in=OPEN).count()


ENTRIES = [
    MenuEntry(
        "workspace:funding",
        _("Förderberatung"),
        handles_consultations,
        order=50,
        badge=open_count,
        badge_class="funding-count",
    ),
    MenuEntry("workspace:funding_organisations", _("Förderberatung"), sees_own_consultations, order=51),
]
