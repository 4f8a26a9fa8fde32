"""Fixed-window rate limits counted in the cache; keys are hashed so no address is kept in clear.

While Redis is unavailable the limits still hold, per process: the counts go to this process's memory (same
limits, same windows) until Redis answers again (core/cache.py). They are never lifted and never an error."""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from quartier.core.cache import CacheUnavailable, FailOpenRedisCache
from quartier.core.clientaddr import client_limit_identity

T = TypeVar("T")

# Counts kept in this process while Redis is unavailable. Large enough that a flood of new identities cannot
# push out (cull) the count of the one under attack.
in_process = LocMemCache("quartier-ratelimit-in-process", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


def _key(scope: str, identity: str) -> str:
    digest = hashlib.blake2b(f"{settings.SECRET_KEY}:{identity}".encode(), digest_size=16).hexdigest()
    return f"rl:{scope}:{digest}"


def _on_redis(backend: RedisCache, operation: Callable[[], T]) -> T:
    """`operation()` on Redis; CacheUnavailable when the fail-open cache finds Redis down (or skips it)."""
    if isinstance(backend, FailOpenRedisCache):
        return backend.run(operation)
    return operation()


def count(scope: str, identity: str) -> int:
    key = _key(scope, identity)
    backend = caches["default"]  # `cache` is a proxy: isinstance needs the backend itself
    if isinstance(backend, RedisCache):
        try:
            # RedisCache.get, not the fail-open one: a miss because Redis is down must not read as zero.
            return int(_on_redis(backend, lambda: RedisCache.get(backend, key, 0)))
        except CacheUnavailable:
            return int(in_process.get(key, 0))
    return int(cache.get(key, 0))


def hit(scope: str, identity: str, *, window: int) -> int:
    """Count one event for `identity` in `scope`; returns the number of events in the current window."""
    key = _key(scope, identity)
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        try:
            return _on_redis(backend, lambda: _redis_hit(backend, key, window))
        except CacheUnavailable:
            return _hit_in(in_process, key, window)
    return _hit_in(cache, key, window)


def _redis_hit(backend: RedisCache, key: str, window: int) -> int:
    # One round trip: INCR and set the window on the first event only (EXPIRE NX, Redis 7), atomically.
    full_key = backend.make_and_validate_key(key)
    pipe = backend._cache.get_client(full_key, write=True).pipeline(transaction=True)
    pipe.incr(full_key)
    pipe.expire(full_key, window, nx=True)
    return int(pipe.execute()[0])


def _hit_in(store: BaseCache, key: str, window: int) -> int:
    if store.add(key, 1, timeout=window):
        return 1
    try:
        return store.incr(key)
    except ValueError:  # expired between add and incr
        store.add(key, 1, timeout=window)
        return 1


# Take one event back, but only while the window lasts and never below zero (a DECR on an expired key would
# start a count without a window).
_RELEASE = """
local value = redis.call('GET', KEYS[1])
if value and tonumber(value) > 0 then
    return redis.call('DECR', KEYS[1])
end
return 0
"""


def release(scope: str, identity: str) -> int:
    """Take back one event counted by `hit` (a reserved place that was not used); returns the count left.

    Together with `hit` this is a reservation: `hit` takes a place atomically before the work, `release` gives
    it back when the work was refused, so concurrent requests can never get more places than the limit."""
    key = _key(scope, identity)
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        full_key = backend.make_and_validate_key(key)
        try:
            return _on_redis(
                backend,
                lambda: int(backend._cache.get_client(full_key, write=True).eval(_RELEASE, 1, full_key)),
            )
        except CacheUnavailable:
            return _release_in(in_process, key)
    return _release_in(cache, key)


def _release_in(store: BaseCache, key: str) -> int:
    try:
        if int(store.get(key, 0)) > 0:
            return store.decr(key)
    except ValueError:  # expired meanwhile: nothing to take back
        pass
    return 0


def reset(scope: str, identity: str) -> None:
    """Forget the count (in Redis, dropped while it is unavailable, and in this process)."""
    key = _key(scope, identity)
    in_process.delete(key)
    cache.delete(key)


def client_identity(request) -> str:
    """The client address as the rate-limit identity (trusted proxies only, IPv6 by /64: core/clientaddr.py)."""
    return client_limit_identity(request)
