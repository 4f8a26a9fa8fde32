"""A shared cache for public list answers that are read far more often than their data changes.

Each scope (e.g. the events of one city) has a revision token in the cache. Writers call `bump` after their
transaction commits; readers put the token into every key, so an answer built from older data is never served
again once the data changed. A lost token (eviction, a Redis restart) only means a fresh token and fresh answers.
The order makes races harmless: a reader reads the token before it reads the database, so an answer stored under
a token can only be as new as or newer than the data that token stands for.

`QUARTIER_LIST_CACHE_SECONDS` (default 60; 0 turns the cache off) bounds how long an answer lives anyway.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

REVISION_SECONDS = 7 * 24 * 3600


def _revision_key(scope: str) -> str:
    return f"listcache:rev:{scope}"


def revision(scope: str) -> str:
    key = _revision_key(scope)
    token = cache.get(key)
    if token is None:
        token = secrets.token_hex(6)
        if not cache.add(key, token, REVISION_SECONDS):
            token = cache.get(key) or token
    return token


def bump(scope: str) -> None:
    """Retire every answer cached for `scope`, once the current transaction (if any) has committed."""
    transaction.on_commit(lambda: cache.set(_revision_key(scope), secrets.token_hex(6), REVISION_SECONDS))


def cached_bytes(scope: str, parts: tuple, build: Callable[[], bytes]) -> bytes:
    """The answer for `parts` (everything the answer depends on besides the data of `scope`)."""
    seconds = settings.LIST_CACHE_SECONDS
    if seconds <= 0:
        return build()
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    key = f"listcache:{scope}:{revision(scope)}:{digest}"
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, seconds)
    return body
