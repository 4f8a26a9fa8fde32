"""Fixed-window rate limits: counted per identity and scope, shared through the configured cache (Redis on the
PostgreSQL pass, where the count is one atomic INCR with EXPIRE NX), and forgotten after the window."""

import time
import uuid

import pytest
from django.core.cache import cache

from quartier.core import ratelimit


def test_counts_per_identity_and_scope():
    scope = f"test-{uuid.uuid4().hex}"
    assert [ratelimit.hit(scope, "198.51.100.7", window=60) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.hit(scope, "198.51.100.8", window=60) == 1
    assert ratelimit.hit(f"{scope}-other", "198.51.100.7", window=60) == 1
    assert ratelimit.count(scope, "198.51.100.7") == 3
    ratelimit.reset(scope, "198.51.100.7")
    assert ratelimit.count(scope, "198.51.100.7") == 0


def test_the_window_starts_with_the_first_event_and_ends():
    scope = f"test-{uuid.uuid4().hex}"
    assert ratelimit.hit(scope, "203.0.113.1", window=1) == 1
    assert ratelimit.hit(scope, "203.0.113.1", window=1) == 2  # a later event does not extend the window
    time.sleep(1.2)
    assert ratelimit.count(scope, "203.0.113.1") == 0
    assert ratelimit.hit(scope, "203.0.113.1", window=1) == 1


def test_no_address_is_kept_in_clear():
    scope = f"test-{uuid.uuid4().hex}"
    ratelimit.hit(scope, "192.0.2.55", window=60)
    key = ratelimit._key(scope, "192.0.2.55")
    assert "192.0.2.55" not in key
    assert cache.get(key) == 1


def test_redis_counts_in_one_atomic_round_trip():
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        pytest.skip("the configured cache is not Redis (the PostgreSQL pass runs this)")
    scope = f"test-{uuid.uuid4().hex}"
    ratelimit.hit(scope, "192.0.2.9", window=30)
    full_key = backend.make_and_validate_key(ratelimit._key(scope, "192.0.2.9"))
    client = backend._cache.get_client(full_key)
    assert 0 < client.ttl(full_key) <= 30
    assert ratelimit.hit(scope, "192.0.2.9", window=30) == 2
