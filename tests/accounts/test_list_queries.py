"""Query counts of the accounts' list pages ("Personen", "Protokoll"): the same number of queries for a few rows as
for many, so a query per row (N+1) fails here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quartier.accounts.models import Role
from quartier.core.audit import audit_record
from tests.conftest import make_user

H = {"HTTP_HOST": "127.0.0.1"}
PEOPLE = "/de/arbeitsbereich/personen/"
AUDIT = "/de/arbeitsbereich/protokoll/"
MAX_QUERIES = 20  # a page's whole budget: session, user, roles, city, the list, its prefetches, the menu


def queries(client, path: str) -> int:
    client.get(path, **H)  # warm the per-process caches (host, menu)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **H)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def admin_client(client, essen):
    client.force_login(make_user("admin-abfragen@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen))
    return client


def add_people(essen, count: int, start: int = 0) -> None:
    numerals = ["I", "II", "III", "IV", "V"]
    for i in range(start, start + count):
        make_user(
            f"person-{i}-abfragen@example.org",
            roles=[(Role.COORDINATOR, numerals[i % 5]), (Role.COMPETENCE_MEMBER, numerals[(i + 1) % 5])],
            city=essen,
        )


def test_people_list_queries_do_not_grow_with_the_rows(admin_client, essen, django_assert_num_queries):
    add_people(essen, 2)
    few = queries(admin_client, PEOPLE)
    assert few <= MAX_QUERIES
    add_people(essen, 40, start=2)
    page = admin_client.get(PEOPLE, **H).content.decode()
    assert "person-41-abfragen@example.org" in page
    with django_assert_num_queries(few):
        admin_client.get(PEOPLE, **H)


def add_entries(essen, count: int) -> None:
    for i in range(count):
        actor = make_user(f"handelnd-{i}-{count}-abfragen@example.org")
        audit_record(
            actor=actor, action="account.viewed", target=actor, changes={"email": [None, "x"]}, city=essen
        )


def test_audit_log_queries_do_not_grow_with_the_rows(admin_client, essen, django_assert_num_queries):
    add_entries(essen, 2)
    few = queries(admin_client, AUDIT)
    assert few <= MAX_QUERIES
    add_entries(essen, 45)
    with django_assert_num_queries(few):
        page = admin_client.get(AUDIT, **H).content.decode()
    assert page.count("handelnd-") >= 45
