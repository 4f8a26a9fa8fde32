"""What the rooms above add to an organisation's public page and to its API item.

Offers (and the like) belong to an organisation but live in rooms above this one (quartier/site/rooms.py), which this
room never imports. Such a room registers here instead, from its AppConfig.ready(): a section of the public page (a
template and the function that fills it) and, for the API, how many of its things each organisation has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from quartier.places.models import City

from .models import Organisation


@dataclass(frozen=True)
class PageSection:
    """A section of the public organisation page: `template`, rendered with `section` = `context(city,
    organisation)`. `breadcrumb` (label, URL name) is the list the page belongs to, if the room has one."""

    template: str
    context: Callable[[City, Organisation], dict]
    breadcrumb: tuple[str | Promise, str] | None = None


# Counts of one room's public things per organisation: counter(city, organisation_ids) -> {organisation_id: n}.
Counter = Callable[[City, list[int]], dict[int, int]]

_page_sections: dict[str, PageSection] = {}
_counters: dict[str, Counter] = {}


def register_page_section(name: str, section: PageSection) -> None:
    """Adds (or replaces) the room's section `name`; sections appear in the order they were first registered."""
    _page_sections[name] = section


def page_sections() -> list[PageSection]:
    return list(_page_sections.values())


def register_counter(name: str, counter: Counter) -> None:
    """Adds (or replaces) the count `name` of the API item (e.g. "offers")."""
    _counters[name] = counter


def counts(name: str, city: City, organisation_ids: list[int]) -> dict[int, int]:
    """The count `name` per organisation (missing ids count 0; without a registered counter, nothing counts)."""
    counter = _counters.get(name)
    return counter(city, organisation_ids) if counter is not None and organisation_ids else {}
