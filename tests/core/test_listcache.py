"""The shared list cache: answers live until their scope's data changes (after commit), or their time is up."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from quartier.core import listcache


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@override_settings(LIST_CACHE_SECONDS=60)
@pytest.mark.django_db
def test_answers_are_reused_until_the_scope_is_bumped_after_commit(django_capture_on_commit_callbacks):
    calls = []

    def build():
        calls.append(1)
        return f"answer {len(calls)}".encode()

    assert listcache.cached_bytes("s", ("a",), build) == b"answer 1"
    assert listcache.cached_bytes("s", ("a",), build) == b"answer 1"
    assert listcache.cached_bytes("s", ("b",), build) == b"answer 2"  # other parts, other answer
    assert listcache.cached_bytes("other", ("a",), build) == b"answer 3"  # other scope
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        listcache.bump("s")
    # Not before the writer's transaction has committed ...
    assert listcache.cached_bytes("s", ("a",), build) == b"answer 1"
    for callback in callbacks:
        callback()
    # ... and at once afterwards; other scopes keep theirs.
    assert listcache.cached_bytes("s", ("a",), build) == b"answer 4"
    assert listcache.cached_bytes("other", ("a",), build) == b"answer 3"


@override_settings(LIST_CACHE_SECONDS=60)
def test_a_lost_revision_only_means_fresh_answers():
    calls = []
    listcache.cached_bytes("s", ("a",), lambda: calls.append(1) or b"x")
    cache.delete("listcache:rev:s")
    listcache.cached_bytes("s", ("a",), lambda: calls.append(1) or b"y")
    assert len(calls) == 2


@override_settings(LIST_CACHE_SECONDS=0)
def test_zero_seconds_turns_the_cache_off():
    calls = []
    for _ in range(3):
        listcache.cached_bytes("s", ("a",), lambda: calls.append(1) or b"x")
    assert len(calls) == 3


@override_settings(LIST_CACHE_SECONDS=60)
def test_a_failing_build_stores_nothing():
    def broken():
        raise ValueError("invalid filter")

    with pytest.raises(ValueError):
        listcache.cached_bytes("s", ("a",), broken)
    assert listcache.cached_bytes("s", ("a",), lambda: b"ok") == b"ok"
