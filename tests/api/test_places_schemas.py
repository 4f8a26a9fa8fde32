"""Every JSON answer of the places API (GeoJSON too) is its declared response schema's output, byte for byte; the lookup's
fast path (serialised without the schema, for its throughput) gives the same bytes as LookupOut would."""

import json

import pytest

from quartier.core.api import schema_bytes
from quartier.places.api import (
    CityList,
    DistrictList,
    LookupOut,
    NeighbourhoodFeatureCollection,
    NeighbourhoodList,
)

URL = "/api/v1/cities"


def _is_schema_output(client, url, schema):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.content == schema_bytes(schema, json.loads(response.content)), url
    return response.json()


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("", CityList),
        ("/essen/districts", DistrictList),
        ("/essen/districts?page_size=2&page=3", DistrictList),
        ("/essen/neighbourhoods", NeighbourhoodList),
        ("/essen/neighbourhoods?q=alt", NeighbourhoodList),
    ],
)
def test_list_answers_are_schema_output(client, essen, path, schema):
    assert _is_schema_output(client, URL + path, schema)["items"]


def test_geojson_answer_is_schema_output(client, essen):
    assert (
        len(
            _is_schema_output(client, f"{URL}/essen/neighbourhoods.geojson", NeighbourhoodFeatureCollection)[
                "features"
            ]
        )
        == 50
    )


@pytest.mark.parametrize(
    "query",
    ["q=Altendorf", "q=45143", "q=Ruettenscheid", "q=steel", "lat=51.4556&lon=6.9823", "q=1"],
)
def test_lookup_fast_path_bytes_equal_the_schema_output(client, essen, query):
    body = _is_schema_output(client, f"{URL}/essen/lookup?{query}", LookupOut)
    assert body["matches"] and body["matches"][0]["contacts"]
