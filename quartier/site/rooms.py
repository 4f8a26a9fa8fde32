"""The rooms of the house, lowest layer first: a room may import the rooms before it, never those after it
(tests/core/test_layers.py reads this order). URLs, API routers and demo content are composed in this order.

A room is a Django app under quartier/ that contributes to the site only through modules with agreed names, each
optional: `urls/public.py` and `urls/workspace.py` (a list `urlpatterns`), `api.py` (a list `routers`),
`menu.py` (a list `ENTRIES` of core.navigation.MenuEntry), `demo.py` (a function
`load(city, *, seed, scale, stdout)`). Adding a room means writing its package and one line here;
docs/decisions/0011-layers-and-rooms.md describes the layers and the conventions.

This module holds data only: the settings import it for INSTALLED_APPS.
"""

from __future__ import annotations

import importlib
from types import ModuleType

ROOMS: tuple[str, ...] = (
    "quartier.places",
    "quartier.accounts",
    "quartier.organisations",
    "quartier.events",
    "quartier.offers",
    "quartier.suggestions",
    "quartier.funding",
)


def room_module(room: str, name: str) -> ModuleType | None:
    """The room's module `name` (e.g. "urls.public"), or None when the room does not have it. An import error
    inside an existing module is raised, never mistaken for a missing module."""
    dotted = f"{room}.{name}"
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError as error:
        if error.name and (dotted == error.name or dotted.startswith(error.name + ".")):
            return None
        raise


def contributions(name: str, attribute: str) -> list:
    """Every room's `attribute` of its module `name`, concatenated in room order."""
    found = []
    for room in ROOMS:
        module = room_module(room, name)
        if module is not None:
            found.extend(getattr(module, attribute))
    return found
