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
from django.http import HttpResponse

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


def _lookup(scope: str, parts: tuple) -> tuple[str, str, bytes | None]:
    """(key, token, stored answer or None) in one round trip: the token and the answer are read together."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    key, revision_key = f"listcache:{scope}:{digest}", _revision_key(scope)
    found = cache.get_many([revision_key, key])
    token, stored = found.get(revision_key), found.get(key)
    if token is not None and stored is not None and stored[0] == token:
        return key, token, stored[1]
    return key, token if token is not None else revision(scope), None


def cached_bytes(scope: str, parts: tuple, build: Callable[[], bytes]) -> bytes:
    """The answer for `parts` (everything the answer depends on besides the data of `scope`); `build` makes it
    on a miss (an exception from it stores nothing)."""
    if settings.LIST_CACHE_SECONDS <= 0:
        return build()
    key, token, body = _lookup(scope, parts)
    if body is None:
        body = build()
        cache.set(key, (token, body), settings.LIST_CACHE_SECONDS)
    return body


def cached_page(scope: str, parts: tuple, build: Callable[[], HttpResponse]) -> HttpResponse:
    """Like `cached_bytes` for a rendered page: only a 200 answer is stored, and a hit skips everything `build`
    would do (forms, queries, templates)."""
    if settings.LIST_CACHE_SECONDS <= 0:
        return build()
    key, token, body = _lookup(scope, parts)
    if body is not None:
        return HttpResponse(body)
    response = build()
    if response.status_code == 200:
        cache.set(key, (token, response.content), settings.LIST_CACHE_SECONDS)
    return response
