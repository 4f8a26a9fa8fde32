"""The per-address limits on sending suggestions, shared by the form and the API.

`QUARTIER_SUGGESTION_RATE_LIMIT` counts *accepted* suggestions: an attempt with errors costs nothing, so a person
who needs several tries, or many people behind one address (a language course, a shelter), are not locked out.
A place is reserved atomically before the suggestion is stored and given back when it is refused or turns out
to be a repeat, so concurrent sends can never be accepted more often than the limit. A second, much higher limit
(`QUARTIER_SUGGESTION_ATTEMPT_LIMIT`) counts every send and stops floods.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

from quartier.core import ratelimit

ACCEPTED = "suggestion"
ATTEMPTS = "suggestion-attempt"


def refused(identity: str) -> bool:
    """Count this send as an attempt; True when the address sent too much (attempts, or accepted suggestions)."""
    window = settings.SUGGESTION_RATE_WINDOW
    if ratelimit.hit(ATTEMPTS, identity, window=window) > settings.SUGGESTION_ATTEMPT_LIMIT:
        return True
    return ratelimit.count(ACCEPTED, identity) >= settings.SUGGESTION_RATE_LIMIT


@dataclass
class Place:
    granted: bool
    kept: bool = False

    def keep(self) -> None:
        """The suggestion was accepted: the place stays counted."""
        self.kept = True


@contextmanager
def place_for(identity: str) -> Iterator[Place]:
    """Reserve one accepted suggestion for `identity`; given back on leaving unless `keep()` was called."""
    counted = ratelimit.hit(ACCEPTED, identity, window=settings.SUGGESTION_RATE_WINDOW)
    place = Place(granted=counted <= settings.SUGGESTION_RATE_LIMIT)
    try:
        yield place
    finally:
        if not place.kept:
            ratelimit.release(ACCEPTED, identity)
