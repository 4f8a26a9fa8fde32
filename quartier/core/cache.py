"""A Redis cache that fails open: when Redis is down, hung or refusing, reads miss and writes are dropped.

Everything in the cache can be rebuilt from the database (list answers, revision tokens, rendered programmes),
so a broken Redis must cost time, never requests. Three things keep that cost small:

- short socket timeouts (`QUARTIER_CACHE_TIMEOUT_MS`, default 100 ms) for connecting and for every answer, and
  no retries, so a hung Redis (SIGSTOP, a full network buffer) costs one timeout instead of redis-py's default
  of waiting for ever;
- a circuit breaker per process: after a connection failure or a timeout no call goes to Redis for
  `QUARTIER_CACHE_RETRY_SECONDS` (default 5); then a single call tries again, and the cache is back as soon as
  one call succeeds;
- one warning in the log when Redis goes away and one line when it is back, not one per call.

Rate limits, which must not simply stop counting, use `run` and keep a count of their own while Redis is
unavailable (core/ratelimit.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

log = logging.getLogger(__name__)

T = TypeVar("T")

# Redis cannot be reached or does not answer in time (BusyLoadingError, AuthenticationError and
# MaxConnectionsError are ConnectionErrors): the breaker opens.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# Redis answers but refuses the command (out of memory, a read-only replica, MISCONF after a failed save): this
# call is given up, the next one tries again (such an answer costs no time).
REFUSED = (ResponseError,)


class CacheUnavailable(Exception):
    """Redis was not asked (the breaker is open) or did not answer; the caller decides what that means."""


class CircuitBreaker:
    """Whether Redis may be asked now; shared by all threads (and cache instances) of a process for one server."""

    def __init__(self, name: str, retry_seconds: float) -> None:
        self.name = name
        self.retry_seconds = retry_seconds
        self._lock = threading.Lock()
        self._closed_until = 0.0  # monotonic time before which nobody asks Redis
        self._down_since: float | None = None

    def allows(self) -> bool:
        """May this call ask Redis? During an outage only one call per `retry_seconds` tries."""
        if self._down_since is None:
            return True
        now = time.monotonic()
        with self._lock:
            if now < self._closed_until:
                return False
            self._closed_until = now + self.retry_seconds  # this call is the trial; the others wait for it
            return True

    def failed(self, exc: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            self._closed_until = now + self.retry_seconds
            if self._down_since is not None:
                return
            self._down_since = now
        log.warning(
            "cache %s unavailable (%s); answering without it, next try in %g s",
            self.name,
            type(exc).__name__,
            self.retry_seconds,
        )

    def reset(self) -> None:
        """Closed again, as if Redis had never failed (tests)."""
        with self._lock:
            self._down_since, self._closed_until = None, 0.0

    def succeeded(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            since, self._down_since, self._closed_until = self._down_since, None, 0.0
        if since is not None:
            log.warning("cache %s available again after %.0f s", self.name, time.monotonic() - since)


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str, retry_seconds: float) -> CircuitBreaker:
    with _breakers_lock:
        if location not in _breakers:
            _breakers[location] = CircuitBreaker(_without_password(location), retry_seconds)
        return _breakers[location]


def reset_breakers() -> None:
    """Forget every breaker's state (tests that start and stop their own Redis). Breakers are closed in place as
    well as dropped: a cache instance made earlier keeps the breaker it was given."""
    with _breakers_lock:
        for breaker in _breakers.values():
            breaker.reset()
        _breakers.clear()


def _without_password(location: str) -> str:
    """The server's address for the log (redis://:secret@host:6379/0 → redis://host:6379/0)."""
    scheme, sep, rest = location.partition("://")
    return scheme + sep + rest.rpartition("@")[2] if sep else location


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache with short timeouts and a circuit breaker; errors become misses and dropped writes.

    OPTIONS (besides Django's): TIMEOUT_MS, the socket timeout for connecting and answering (default 100);
    RETRY_SECONDS, how long the breaker stays open (default 5)."""

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS", {}))
        timeout = float(options.pop("TIMEOUT_MS", 100)) / 1000
        retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        options.setdefault("socket_connect_timeout", timeout)
        options.setdefault("socket_timeout", timeout)
        options.setdefault("retry", Retry(NoBackoff(), 0))  # the breaker decides when to try again
        params["OPTIONS"] = options
        super().__init__(server, params)
        self.breaker = breaker_for(",".join(self._servers), retry_seconds)

    def run(self, operation: Callable[[], T]) -> T:
        """`operation()` (which talks to Redis) under the breaker; raises CacheUnavailable instead of its errors."""
        if not self.breaker.allows():
            raise CacheUnavailable("the cache is unavailable; not asked")
        try:
            result = operation()
        except UNREACHABLE as exc:
            self.breaker.failed(exc)
            raise CacheUnavailable(str(exc)) from exc
        except REFUSED as exc:
            log.warning("cache refused a command (%s)", str(exc).split(" ", 1)[0])
            raise CacheUnavailable(str(exc)) from exc
        self.breaker.succeeded()
        return result

    def answers(self) -> bool:
        """Whether Redis takes a write and gives it back now; through the breaker, so False at once during an
        outage (the health check)."""
        key = self.make_and_validate_key("healthz")

        def round_trip() -> bool:
            self._cache.set(key, "1", 10)
            return self._cache.get(key, None) == "1"

        try:
            return self.run(round_trip)
        except CacheUnavailable:
            return False

    def _read(self, operation: Callable[[], T], miss: T) -> T:
        try:
            return self.run(operation)
        except CacheUnavailable:
            return miss

    # Reads answer a miss.

    def get(self, key, default=None, version=None):
        return self._read(lambda: super(FailOpenRedisCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._read(lambda: super(FailOpenRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._read(lambda: super(FailOpenRedisCache, self).has_key(key, version), False)

    def incr(self, key, delta=1, version=None):
        try:
            return self.run(lambda: super(FailOpenRedisCache, self).incr(key, delta, version))
        except CacheUnavailable:
            # What Django's incr says for a key that is not there; callers handle it as a miss.
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).") from None

    # Writes are dropped. `add` says it stored the value (as if it was evicted at once): a caller that takes a
    # lock with `add` then does the work itself instead of waiting for a holder that does not exist.

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._read(lambda: super(FailOpenRedisCache, self).add(key, value, timeout, version), True)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._read(lambda: super(FailOpenRedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._read(
            lambda: super(FailOpenRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._read(lambda: super(FailOpenRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        return self._read(lambda: super(FailOpenRedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        self._read(lambda: super(FailOpenRedisCache, self).delete_many(keys, version), None)

    def clear(self):
        return self._read(lambda: super(FailOpenRedisCache, self).clear(), False)
