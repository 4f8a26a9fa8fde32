"""Query-count guards on the places' list endpoints and the postcode-pair page: a page of one row and a page of
all rows (or few and many pairs) take the same number of queries, so an N+1 fails."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quartier.accounts.models import Role
from quartier.places.models import City, Contact, District, DistrictOffice, Neighbourhood
from quartier.places.services import postcode_pair_add
from tests.conftest import make_user

H = {"HTTP_HOST": "127.0.0.1"}
API = "/api/v1/cities/essen"


def _queries(client, url: str) -> tuple[int, dict]:
    client.get(url, **H)  # warms the per-process caches (city id, finder index)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **H)
    assert response.status_code == 200, url
    return len(captured.captured_queries), response.json()


@pytest.mark.parametrize("path", ["/api/v1/cities", f"{API}/districts", f"{API}/neighbourhoods"])
def test_list_endpoints_take_as_many_queries_for_one_row_as_for_all(client, essen, path):
    City.objects.create(slug="bochum", name="Bochum", domain="bochum.example.org")
    office = DistrictOffice.objects.create(
        city=essen, key="demo-buero", name="Demo-Büro", street="Weg 1", postal_code="45127", locality="Essen"
    )
    for district in District.objects.filter(city=essen):  # a second contact in every district
        contact = Contact.objects.create(city=essen, name=f"Demo {district.number}", office=office)
        contact.districts.add(district)
    one, first = _queries(client, f"{path}?page_size=1")
    all_, every = _queries(client, f"{path}?page_size=100")
    assert len(first["items"]) == 1 and len(every["items"]) == every["count"] > 1
    assert all_ == one


def test_geojson_takes_as_many_queries_with_more_postcodes(client, essen, django_assert_num_queries):
    admin = make_user("plz-zaehlen@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)
    few, _ = _queries(client, f"{API}/neighbourhoods.geojson")
    for i, n in enumerate(Neighbourhood.objects.filter(city=essen).order_by("pk")[:10]):
        postcode_pair_add(city=essen, code=f"4529{i}", neighbourhood=n, actor=admin)
    client.get(f"{API}/neighbourhoods.geojson", **H)
    with django_assert_num_queries(few):
        assert client.get(f"{API}/neighbourhoods.geojson", **H).status_code == 200


def test_postcode_pair_page_takes_as_many_queries_with_more_pairs(client, essen, django_assert_num_queries):
    admin = make_user("plz-seite-zaehlen@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)
    client.force_login(admin)
    page = "/de/arbeitsbereich/postleitzahlen/"
    neighbourhoods = list(Neighbourhood.objects.filter(city=essen).order_by("pk")[:10])
    postcode_pair_add(city=essen, code="45280", neighbourhood=neighbourhoods[0], actor=admin)
    client.get(page, **H)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(page, **H).status_code == 200
    few = len(captured.captured_queries)
    for i, n in enumerate(neighbourhoods[1:], start=1):
        postcode_pair_add(city=essen, code=f"4528{i}", neighbourhood=n, actor=admin)
    client.get(page, **H)
    with django_assert_num_queries(few):
        response = client.get(page, **H)
    assert "45289" in response.content.decode()
