"""The workspace navigation, composed from every room's `menu.py` (a list `ENTRIES` of core.navigation.MenuEntry)
and the site's own start page, in ascending `order`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from quartier.core.navigation import MenuEntry, always
from quartier.site.rooms import contributions

ENTRIES = [MenuEntry("workspace:home", _("Arbeitsbereich"), always, order=10)]


@cache
def all_entries() -> tuple[MenuEntry, ...]:
    """The site's and every room's entries, in menu order (rooms in ROOMS order where the order is equal)."""
    return tuple(sorted([*ENTRIES, *contributions("menu", "ENTRIES")], key=lambda entry: entry.order))


@dataclass(frozen=True)
class MenuLink:
    """An entry as shown to one user: its address, label and, for entries with a badge, the count."""

    url: str
    label: str
    count: int | None = None
    badge_class: str = ""


def entries_for(user, city) -> list[MenuEntry]:
    """The entries `user` sees in `city`: none when signed out; without a city only those open to everyone."""
    if user is None or not user.is_authenticated:
        return []
    return [
        entry
        for entry in all_entries()
        if entry.predicate is always or (city is not None and entry.predicate(user, city))
    ]


def menu_for(user, city) -> list[MenuLink]:
    """The links of the workspace navigation for `user` in `city`, with their counts."""
    return [
        MenuLink(
            url=reverse(entry.url_name),
            label=entry.label,
            count=entry.badge(user, city) if entry.badge else None,
            badge_class=entry.badge_class,
        )
        for entry in entries_for(user, city)
    ]
