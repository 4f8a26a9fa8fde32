"""The suggestions' entry of the workspace navigation: the inbox, with the number of open suggestions."""

from django.utils.translation import gettext_lazy as _

from quartier.core import listcache
from quartier.core.navigation import MenuEntry

from . import selectors
from .permissions import handles_suggestions
from .workflow import OPEN


def open_count(user, city) -> int:
    """The open suggestions in the user's scope; on every workspace page, so cached like the inbox itself."""
    count = listcache.cached_bytes(
        selectors.inbox_cache_scope(city.pk),
        ("open-count", user.pk),
        lambda: str(selectors.inbox(user, city).filter(status__in=OPEN).count()).encode(),
    )
    return int(count)


ENTRIES = [
    MenuEntry(
        "workspace:suggestions",
        _("Vorschläge"),
        handles_suggestions,
        order=40,
        badge=open_count,
        badge_class="suggestion-count",
    )
]
