"""Query counts of the organisations' lists (the workspace list for a city administrator and for a coordinator, the
public API list): the same number of queries for a few rows as for many, so a query per row (N+1) fails here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quartier.accounts.models import Role
from quartier.organisations.models import Organisation, OrganisationMember
from tests.conftest import make_user

H = {"HTTP_HOST": "127.0.0.1"}
LIST = "/de/arbeitsbereich/organisationen/"
API = "/api/v1/cities/essen/organisations?page_size=100"
MAX_QUERIES = 20  # a page's whole budget: session, user, roles, city, the list, its prefetches, the menu


def add_organisations(essen, count: int, start: int = 0) -> None:
    districts = list(essen.districts.filter(number__in=["III", "IV", "V"]))
    for i in range(start, start + count):
        org = Organisation.objects.create(
            city=essen, name=f"Abfrageverein {i:03d}", slug=f"abfrageverein-{i:03d}", kind="association"
        )
        org.districts.set(districts[: 1 + i % 3])
        member = make_user(f"mitglied-{i}-abfragen@example.org")
        OrganisationMember.objects.create(organisation=org, user=member, role="manager")


def queries(client, path: str) -> int:
    client.get(path, **H)  # warm the per-process caches (host, menu)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **H)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", [(Role.CITY_ADMIN, None), (Role.COORDINATOR, "III")])
def test_workspace_list_queries_do_not_grow_with_the_rows(client, essen, role, django_assert_num_queries):
    client.force_login(make_user("abfragen@example.org", roles=[role], city=essen))
    add_organisations(essen, 2)
    few = queries(client, LIST)
    assert few <= MAX_QUERIES
    add_organisations(essen, 40, start=2)
    with django_assert_num_queries(few):
        page = client.get(LIST, **H).content.decode()
    assert "Abfrageverein 041" in page


def test_api_list_queries_do_not_grow_with_the_rows(client, essen, settings, django_assert_num_queries):
    settings.LIST_CACHE_SECONDS = 0  # measure the building of the answer, not the cache
    add_organisations(essen, 2)
    few = queries(client, API)
    assert few <= MAX_QUERIES
    add_organisations(essen, 40, start=2)
    with django_assert_num_queries(few):
        data = client.get(API, **H).json()
    assert data["count"] == 42 and all(item["districts"] for item in data["items"])
