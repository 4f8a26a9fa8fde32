"""The places API contract: envelope, lookup shape, status codes, caching headers, invalid input."""

import json

import pytest

URL = "/api/v1/cities/essen"


def get(client, path, **headers):
    return client.get(path, HTTP_HOST="127.0.0.1", **headers)


def test_lookup_by_name_matches_the_contract(client, essen):
    r = get(client, f"{URL}/lookup?q=Frohnhausen")
    assert r.status_code == 200
    body = r.json()
    assert body["query"] == "Frohnhausen"
    assert body["ambiguous"] is False
    (match,) = body["matches"]
    assert match["neighbourhood"] == {"number": 8, "name": "Frohnhausen"}
    assert match["district"] == {"number": "III", "name": "Stadtbezirk III"}
    (contact,) = match["contacts"]
    assert contact["name"] == "Christian Uhl"
    assert contact["vacant"] is False
    office = contact["office"]
    assert office["street"] == "Kerckhoffstraße 60"
    assert office["postal_code"] == "45144"
    assert office["city"] == "Essen"
    assert office["phone"] == "0201-8851419"
    assert office["email"] is None


def test_lookup_vacancy_shows_the_office(client, essen):
    body = get(client, f"{URL}/lookup?q=Werden").json()
    (contact,) = body["matches"][0]["contacts"]
    assert contact == {
        "name": None,
        "vacant": True,
        "office": {
            "name": "Bezirksstelle Stadtbezirke II, VIII und IX",
            "street": "Kupferdreher Straße 86",
            "postal_code": "45257",
            "city": "Essen",
            "phone": "0201-8851526",
            "email": None,
        },
    }


def test_lookup_missing_phone_is_null(client, essen):
    body = get(client, f"{URL}/lookup?q=Stadtkern").json()
    assert body["matches"][0]["contacts"][0]["office"]["phone"] is None


def test_lookup_ambiguous_lists_best_first(client, essen):
    body = get(client, f"{URL}/lookup?q=45127").json()
    assert body["ambiguous"] is True
    assert [m["neighbourhood"]["name"] for m in body["matches"]] == [
        "Stadtkern",
        "Ostviertel",
        "Westviertel",
        "Südviertel",
    ]


def test_lookup_by_point(client, essen):
    r = get(client, f"{URL}/lookup?lat=51.4335&lon=7.0043")
    assert r.status_code == 200
    body = r.json()
    assert body["query"] == {"lat": 51.4335, "lon": 7.0043}
    assert body["matches"][0]["neighbourhood"]["name"] == "Rüttenscheid"
    assert body["matches"][0]["district"]["number"] == "II"


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("q=Gelsenkirchen", "No neighbourhood"),
        ("lat=52.52&lon=13.405", "outside"),
        ("q=45276", "postcode belongs to the city"),
        ("q=10115", "does not belong"),
        ("q=Kerckhoffstra%C3%9Fe%2060", "Street addresses"),
    ],
)
def test_lookup_404_has_a_string_detail(client, essen, query, fragment):
    r = get(client, f"{URL}/lookup?{query}")
    assert r.status_code == 404
    assert fragment in r.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=",
        "q=%20%20",
        "q=" + "x" * 10_000,
        "lat=abc&lon=7",
        "lat=51.4",
        "lon=7.0",
        "lat=91&lon=7",
        "lat=51&lon=-181",
        "lat=nan&lon=7",
        "lat=inf&lon=7",
        "lat=51.4&lon=7&q=Kray",
        "lat=1e400&lon=7",
    ],
)
def test_lookup_malformed_input_is_422_with_a_list(client, essen, query):
    r = get(client, f"{URL}/lookup?{query}")
    assert r.status_code == 422, r.content
    assert isinstance(r.json()["detail"], list)


@pytest.mark.parametrize(
    "hostile",
    [
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "%00",
        "${jndi:ldap://x}",
        "..%2F..%2Fetc%2Fpasswd",
        "%E2%80%AE",
    ],
)
def test_lookup_hostile_input_is_a_clean_4xx(client, essen, hostile):
    r = get(client, f"{URL}/lookup?q={hostile}")
    assert r.status_code in (404, 422)
    assert "detail" in r.json()


def test_unknown_city_is_404(client, essen):
    r = get(client, "/api/v1/cities/atlantis/lookup?q=Kray")
    assert r.status_code == 404
    assert isinstance(r.json()["detail"], str)
    assert get(client, "/api/v1/cities/" + "a" * 300 + "/districts").status_code == 404


def test_districts_envelope_with_neighbourhoods_and_contacts(client, essen, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        r = get(client, f"{URL}/districts")
    body = r.json()
    assert set(body) == {"items", "count", "next"}
    assert body["count"] == 9 and body["next"] is None
    assert [d["number"] for d in body["items"]] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]
    viii = body["items"][7]
    assert "Überruhr-Hinsel" in [n["name"] for n in viii["neighbourhoods"]]
    assert viii["contacts"][0]["vacant"] is True
    assert sum(len(d["neighbourhoods"]) for d in body["items"]) == 50


def test_neighbourhoods_list_and_pagination(client, essen):
    body = get(client, f"{URL}/neighbourhoods").json()
    assert body["count"] == 50 and len(body["items"]) == 50
    first = body["items"][0]
    assert first["number"] == 1 and first["name"] == "Stadtkern" and first["district"]["number"] == "I"
    assert first["postcodes"] == ["45127"]
    assert first["population"] == 4270 and first["population_date"] == "30.09.2022"
    page = get(client, f"{URL}/neighbourhoods?page_size=20&page=2").json()
    assert page["count"] == 50 and len(page["items"]) == 20 and page["items"][0]["number"] == 21
    assert "page=3" in page["next"]
    last = get(client, f"{URL}/neighbourhoods?page_size=20&page=3").json()
    assert len(last["items"]) == 10 and last["next"] is None
    steele = [n for n in body["items"] if n["name"] == "Steele"][0]
    assert steele["postcodes"] == []  # a known gap of the data (SOURCES.md 8.4), shown as empty
    dellwig = [n for n in body["items"] if n["name"] == "Dellwig"][0]
    assert dellwig["population"] is None and dellwig["population_date"] is None  # left empty on purpose (9.5)


def test_neighbourhoods_query(client, essen):
    body = get(client, f"{URL}/neighbourhoods?q=ueberruhr").json()
    assert [n["name"] for n in body["items"]] == ["Überruhr-Hinsel", "Überruhr-Holthausen"]
    assert get(client, f"{URL}/neighbourhoods?q=").status_code == 422
    assert get(client, f"{URL}/neighbourhoods?page_size=101").status_code == 422
    assert get(client, f"{URL}/neighbourhoods?page=0").status_code == 422
    assert get(client, f"{URL}/neighbourhoods?page=abc").status_code == 422


def test_neighbourhoods_geojson_is_rfc7946_with_licence(client, essen):
    r = get(client, f"{URL}/neighbourhoods.geojson")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/geo+json"
    body = json.loads(r.content)
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 50
    assert "OpenStreetMap" in body["properties"]["attribution"]
    assert "ODbL" in body["properties"]["licence"]
    feature = body["features"][0]
    assert feature["type"] == "Feature" and feature["geometry"]["type"] == "MultiPolygon"
    lon, lat = feature["geometry"]["coordinates"][0][0][0][:2]
    assert 6.8 < lon < 7.2 and 51.3 < lat < 51.6  # RFC 7946: longitude first, WGS84


def test_read_endpoints_send_etag_and_cache_control(client, essen):
    for path in ["/districts", "/neighbourhoods", "/neighbourhoods.geojson", "/lookup?q=Kray"]:
        r = get(client, URL + path)
        assert r.status_code == 200
        assert r["ETag"].startswith('"')
        assert "max-age" in r["Cache-Control"]
        again = get(client, URL + path, HTTP_IF_NONE_MATCH=r["ETag"])
        assert again.status_code == 304
        assert again.content == b""


def test_openapi_documents_every_operation(client, essen):
    spec = get(client, "/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for path in [
        "/api/v1/cities/{city_slug}/districts",
        "/api/v1/cities/{city_slug}/neighbourhoods",
        "/api/v1/cities/{city_slug}/neighbourhoods.geojson",
        "/api/v1/cities/{city_slug}/lookup",
    ]:
        assert path in paths, path
    lookup = paths["/api/v1/cities/{city_slug}/lookup"]["get"]
    assert {"200", "404", "422"} <= set(lookup["responses"])
    assert get(client, "/api/v1/docs").status_code == 200
