"""Shared fixtures: Essen's reference data is loaded once per test database; factories for users."""

import io
import time

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command

from quartier.accounts.models import Membership, Role, User
from quartier.core import cache as fail_open
from quartier.core import ratelimit
from quartier.funding import comparison
from quartier.places import finder
from quartier.places.models import City, District
from quartier.places.selectors import forget_host_cache

PASSWORD = "a-long-test-password-42"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_city", "essen", verbosity=0, stdout=io.StringIO())


@pytest.fixture(autouse=True)
def _fresh_process_caches(request):
    """Rate-limit counters and host lookups never leak between tests; finder indexes rebuild when a test
    changed place data (a rolled-back transaction sends no signal, so the test's changes would stay cached)."""
    forget_host_cache()
    comparison.forget()
    _empty_cache()
    uses_db = any(f in request.fixturenames for f in ("db", "transactional_db", "essen"))
    if uses_db and "transactional_db" not in request.fixturenames:
        request.getfixturevalue("db")
    before = _revisions() if uses_db else None
    yield
    forget_host_cache()
    comparison.forget()
    if uses_db and _revisions() != before:
        finder.forget_indexes()


def _empty_cache():
    """An empty cache, also when an earlier test left Redis's breaker open (a timeout on a loaded machine): its
    dropped clear() would leave counts behind, and the in-process rate-limit fallback would keep its own."""
    fail_open.reset_breakers()
    ratelimit.in_process.clear()
    backend = caches["default"]
    if not isinstance(backend, fail_open.FailOpenRedisCache):
        cache.clear()
        return
    for _ in range(20):  # a slow answer opens the breaker: close it and ask again
        try:
            backend.run(lambda: RedisCache.clear(backend))
            return
        except fail_open.CacheUnavailable:
            fail_open.reset_breakers()
            time.sleep(0.1)
    raise RuntimeError(
        "the test cache did not answer clear() for 2 s: Redis is down or too slow for the suite"
    )


def _revisions():
    return dict(City.objects.values_list("pk", "places_revision"))


@pytest.fixture
def essen(db) -> City:
    return City.objects.get(slug="essen")


def make_user(email: str, *, superuser: bool = False, roles=(), city=None) -> User:
    user = User.objects.create_user(
        username=email, email=email, password=PASSWORD, is_superuser=superuser, is_staff=superuser
    )
    for role, numeral in roles:
        district = District.objects.get(city=city, number=numeral) if numeral else None
        Membership.objects.create(user=user, city=city, role=role, district=district)
    return user


@pytest.fixture
def coordinator_iii(essen) -> User:
    return make_user("uhl-demo@example.org", roles=[(Role.COORDINATOR, "III")], city=essen)


@pytest.fixture
def coordinator_iv(essen) -> User:
    return make_user("iv-demo@example.org", roles=[(Role.COORDINATOR, "IV")], city=essen)


@pytest.fixture
def platform_admin(essen) -> User:
    return make_user("root-demo@example.org", superuser=True)
