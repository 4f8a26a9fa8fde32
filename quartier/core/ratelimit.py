"""Fixed-window rate limits counted in the cache; keys are hashed so no address is kept in clear."""

import hashlib

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache


def _key(scope: str, identity: str) -> str:
    digest = hashlib.blake2b(f"{settings.SECRET_KEY}:{identity}".encode(), digest_size=16).hexdigest()
    return f"rl:{scope}:{digest}"


def count(scope: str, identity: str) -> int:
    return int(cache.get(_key(scope, identity), 0))


def hit(scope: str, identity: str, *, window: int) -> int:
    """Count one event for `identity` in `scope`; returns the number of events in the current window."""
    key = _key(scope, identity)
    backend = caches["default"]  # `cache` is a proxy: isinstance needs the backend itself
    if isinstance(backend, RedisCache):
        # One round trip: INCR and set the window on the first event only (EXPIRE NX, Redis 7), atomically.
        full_key = backend.make_and_validate_key(key)
        pipe = backend._cache.get_client(full_key, write=True).pipeline(transaction=True)
        pipe.incr(full_key)
        pipe.expire(full_key, window, nx=True)
        return int(pipe.execute()[0])
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
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
        client = backend._cache.get_client(full_key, write=True)
        return int(client.eval(_RELEASE, 1, full_key))
    try:
        if int(cache.get(key, 0)) > 0:
            return cache.decr(key)
    except ValueError:  # expired meanwhile: nothing to take back
        pass
    return 0


def reset(scope: str, identity: str) -> None:
    cache.delete(_key(scope, identity))


def client_identity(request) -> str:
    """The client address as the rate-limit identity (behind the proxy: the first X-Forwarded-For hop)."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")
