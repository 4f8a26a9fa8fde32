"""With Redis stopped (connections refused) or hung (SIGSTOP: connections accepted, never answered) the site
keeps working from the database: logins, submissions, lists and workspace pages answer as usual, rate limits
still limit (per process), the health check says "degraded"; and a hung Redis is asked once per retry period,
not on every call."""

from __future__ import annotations

import logging
import re
import time

import pytest
import redis
from django.core.cache import cache
from django.test import Client

from quartier.core import cache as fail_open
from quartier.core import ratelimit
from quartier.suggestions.models import Suggestion
from tests.conftest import PASSWORD
from tests.suggestions.test_public_pages import FORM, post_data

from .conftest import free_port

H = {"HTTP_HOST": "127.0.0.1"}
LOGIN = "/de/konto/anmelden/"
OUTAGES = ["stopped", "hung"]


def break_redis(server, outage: str) -> None:
    if outage == "stopped":
        server.stop()
    else:
        server.pause()


def login(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password}, **H)


# --- the cache itself -----------------------------------------------------------------------------------------


def test_the_cache_really_is_the_tests_redis_while_it_answers(redis_cache):
    cache.set("probe", "value", 30)
    assert cache.get("probe") == "value"
    keys = redis.Redis.from_url(redis_cache.url).keys("resilience:*")
    assert keys, "the value went to the test's own Redis"


@pytest.mark.parametrize("outage", OUTAGES)
def test_reads_miss_and_writes_are_dropped_while_redis_is_down(redis_cache, outage):
    cache.set("kept", 1, 60)
    break_redis(redis_cache, outage)
    assert cache.get("kept") is None
    assert cache.get("kept", "fallback") == "fallback"
    assert cache.get_many(["kept", "other"]) == {}
    assert cache.has_key("kept") is False
    cache.set("new", 1, 60)
    assert cache.set_many({"a": 1, "b": 2}, 60) == ["a", "b"]  # Django's answer: the keys not stored
    cache.delete_many(["a", "b"])
    assert cache.delete("kept") is False
    assert cache.touch("kept", 60) is False
    assert cache.add("lock", 1, 60) is True  # a lock taken with add: do the work rather than wait for nobody
    with pytest.raises(ValueError):
        cache.incr("kept")
    assert cache.get_or_set("computed", lambda: 42, 60) == 42


def test_a_hung_redis_is_asked_once_per_retry_period_and_logged_once(redis_cache, redis_calls, caplog):
    cache.set("warm", 1, 60)  # a connection in the pool, as in a process that has been running
    redis_cache.pause()
    with caplog.at_level(logging.WARNING, logger="quartier.core.cache"), redis_calls:
        for _ in range(50):
            assert cache.get("warm") is None
            cache.set("warm", 2, 60)
    assert redis_calls.count == 1  # the first call timed out (100 ms); the breaker kept the other 99 away
    warnings = [r.getMessage() for r in caplog.records if r.name == "quartier.core.cache"]
    assert len(warnings) == 1 and "unavailable" in warnings[0]


def test_the_cache_is_used_again_after_the_retry_period(redis_cache, settings, caplog):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "OPTIONS": {"TIMEOUT_MS": 100, "RETRY_SECONDS": 0.2}}
    }
    fail_open.reset_breakers()
    redis_cache.stop()
    assert cache.get("x") is None
    redis_cache.start()  # same port, empty
    time.sleep(0.3)  # the retry period passes
    with caplog.at_level(logging.WARNING, logger="quartier.core.cache"):
        cache.set("x", "back", 60)
        assert cache.get("x") == "back"
    assert any("available again" in r.getMessage() for r in caplog.records)


def test_a_redis_that_refuses_writes_drops_them_without_opening_the_breaker(redis_cache, redis_calls):
    admin = redis.Redis.from_url(redis_cache.url)
    admin.config_set("maxmemory", 1)  # every write is refused: OOM command not allowed
    admin.config_set("maxmemory-policy", "noeviction")
    cache.set("refused", "x" * 1000, 60)
    with redis_calls:
        assert cache.add("refused", 1, 60) is True
        assert cache.get("refused") is None  # reads still go to Redis
    assert redis_calls.count == 2


# --- rate limits ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("outage", OUTAGES)
def test_rate_limits_keep_counting_in_the_process_while_redis_is_down(redis_cache, outage):
    ratelimit.hit("resilience", "198.51.100.1", window=60)  # counted in Redis
    # On a loaded machine Redis may answer that first hit later than the 100 ms timeout: then it was counted in
    # the process already, and the counting below goes on from there.
    before = int(ratelimit.in_process.get(ratelimit._key("resilience", "198.51.100.1"), 0))
    break_redis(redis_cache, outage)
    expected = [before + 1, before + 2, before + 3]
    assert [ratelimit.hit("resilience", "198.51.100.1", window=60) for _ in range(3)] == expected
    assert ratelimit.count("resilience", "198.51.100.1") == before + 3
    assert ratelimit.count("resilience", "198.51.100.2") == 0
    assert ratelimit.release("resilience", "198.51.100.1") == before + 2
    ratelimit.reset("resilience", "198.51.100.1")
    assert ratelimit.count("resilience", "198.51.100.1") == 0


def test_rate_limits_count_in_redis_again_when_it_is_back(redis_cache, settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "OPTIONS": {"TIMEOUT_MS": 100, "RETRY_SECONDS": 0.2}}
    }
    fail_open.reset_breakers()
    redis_cache.pause()
    assert ratelimit.hit("resilience", "198.51.100.3", window=60) == 1  # in the process
    redis_cache.resume()
    time.sleep(0.3)
    ratelimit.in_process.clear()  # so that a count below can only come from Redis
    assert ratelimit.hit("resilience", "198.51.100.3", window=60) >= 1
    assert ratelimit.count("resilience", "198.51.100.3") >= 1


@pytest.mark.parametrize("outage", OUTAGES)
def test_login_works_and_the_lockout_still_holds_with_redis_down(
    redis_cache, coordinator_iii, settings, outage
):
    settings.LOGIN_MAX_FAILURES = 3
    break_redis(redis_cache, outage)
    client = Client()
    response = login(client, coordinator_iii.email, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/de/arbeitsbereich/"
    assert client.get("/de/arbeitsbereich/", **H).status_code == 200

    attacker = Client()
    for _ in range(3):
        assert login(attacker, coordinator_iii.email, "wrong").status_code == 200
    locked = login(attacker, coordinator_iii.email, PASSWORD)
    assert locked.status_code == 200
    assert "Zu viele Fehlversuche" in locked.content.decode()
    assert "_auth_user_id" not in attacker.session


# --- what residents and staff do ------------------------------------------------------------------------------


@pytest.mark.parametrize("outage", OUTAGES)
def test_a_suggestion_sent_while_redis_is_down_is_accepted_and_stored_once(redis_cache, essen, outage):
    break_redis(redis_cache, outage)
    client = Client()
    data = post_data(essen)
    response = client.post(FORM, data)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert re.search(r"/de/vorschlaege/status/[0-9a-f]{64}/", response.content.decode())
    assert client.post(FORM, data).status_code == 200  # sent twice (a double click): still one suggestion
    assert Suggestion.objects.count() == 1
    assert Suggestion.objects.get().text == data["text"]


@pytest.mark.parametrize("outage", OUTAGES)
def test_the_suggestion_limit_still_holds_with_redis_down(redis_cache, essen, settings, outage):
    settings.SUGGESTION_RATE_LIMIT = 2
    break_redis(redis_cache, outage)
    client = Client()
    assert client.post(FORM, post_data(essen)).status_code == 200
    assert client.post(FORM, post_data(essen)).status_code == 200
    refused = client.post(FORM, post_data(essen, text="Der dritte Vorschlag in kurzer Zeit."))
    assert refused.status_code == 429
    assert "Der dritte Vorschlag in kurzer Zeit." in refused.content.decode()  # what was typed is kept
    assert Suggestion.objects.count() == 2


PAGES = [
    "/de/",
    "/de/veranstaltungen/",
    "/en/veranstaltungen/",
    "/de/angebote/",
    "/de/vorschlaege/",
    "/api/v1/cities/essen/events",
    "/de/arbeitsbereich/",
    "/de/arbeitsbereich/vorschlaege/",
    "/de/arbeitsbereich/veranstaltungen/",
    "/de/arbeitsbereich/angebote/",
]


@pytest.mark.parametrize("outage", OUTAGES)
def test_public_lists_and_workspace_pages_answer_from_the_database(
    redis_cache, coordinator_iii, settings, redis_calls, outage
):
    settings.LIST_CACHE_SECONDS = 60  # the list cache is on, as in production
    client = Client()
    client.force_login(coordinator_iii)
    before = {url: client.get(url, **H) for url in PAGES}
    assert {url: r.status_code for url, r in before.items()} == dict.fromkeys(PAGES, 200)
    break_redis(redis_cache, outage)
    with redis_calls:
        during = {url: client.get(url, **H) for url in PAGES}
    assert {url: r.status_code for url, r in during.items()} == dict.fromkeys(PAGES, 200)
    assert redis_calls.count <= 1  # one failed try, then the breaker answers for Redis
    assert "<h1" in during["/de/veranstaltungen/"].content.decode()
    assert during["/api/v1/cities/essen/events"].json() == before["/api/v1/cities/essen/events"].json()
    assert "Stadtbezirk III" in during["/de/arbeitsbereich/"].content.decode()


# --- the health check -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("outage", OUTAGES)
def test_healthz_says_degraded_without_waiting_for_redis(redis_cache, db, redis_calls, outage):
    client = Client()
    assert client.get("/healthz", **H).json()["status"] == "ok"
    break_redis(redis_cache, outage)
    with redis_calls:
        answers = [client.get("/healthz", **H) for _ in range(5)]
    assert [r.status_code for r in answers] == [200] * 5
    assert all(r.json() == {"status": "degraded", "database": "ok", "cache": "error"} for r in answers)
    assert redis_calls.count == 1  # the first check tried; the others took the breaker's word


def test_the_outage_warning_names_the_server_without_its_password(db, settings, caplog):
    port = free_port()  # nothing listens there
    settings.CACHES = {
        "default": {
            "BACKEND": "quartier.core.cache.FailOpenRedisCache",
            "LOCATION": f"redis://:s3cret-pass@127.0.0.1:{port}/0",
            "OPTIONS": {"TIMEOUT_MS": 100, "RETRY_SECONDS": 60},
        }
    }
    fail_open.reset_breakers()
    try:
        with caplog.at_level(logging.WARNING, logger="quartier.core.cache"):
            assert cache.get("anything", "miss") == "miss"
            assert Client().get("/healthz", **H).json()["status"] == "degraded"
    finally:
        fail_open.reset_breakers()
    messages = [r.getMessage() for r in caplog.records if r.name == "quartier.core.cache"]
    assert len(messages) == 1 and f":{port}/0 unavailable (ConnectionError)" in messages[0]
    assert "s3cret-pass" not in messages[0]


def test_reset_breakers_closes_the_breaker_a_cache_instance_already_holds():
    """The suite's cache instance lives across tests: resetting must close its breaker, not only forget it."""
    held = fail_open.breaker_for("redis://192.0.2.1:6379/0", retry_seconds=60)
    held.failed(TimeoutError())
    assert not held.allows()
    fail_open.reset_breakers()
    assert held.allows()
    assert fail_open.breaker_for("redis://192.0.2.1:6379/0", retry_seconds=60) is not held
