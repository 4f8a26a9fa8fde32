"""Entries of the workspace navigation: each room lists its own in `menu.py` (`ENTRIES`), site/menu.py composes
them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def always(user, city) -> bool:
    """For entries every signed-in workspace user sees."""
    return True


@dataclass(frozen=True)
class MenuEntry:
    """One link of the workspace navigation, shown to those `predicate(user, city)` allows, in ascending `order`;
    `badge` (user, city) -> int adds a count of open work, shown in a span of class `badge_class`."""

    url_name: str
    label: str  # gettext_lazy, so the label follows the page's language
    predicate: Callable[..., bool]
    order: int
    badge: Callable[..., int] | None = None
    badge_class: str = ""
