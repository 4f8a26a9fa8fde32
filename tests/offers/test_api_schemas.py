"""Every JSON answer of the offers API is its declared response schema's output, byte for byte: the endpoints
serialise through the schema, and the cached list (the fast path) keeps those bytes."""

import json

import pytest

from quartier.core.api import schema_bytes
from quartier.offers.api import OfferCategoryList, OfferDetail, OfferList

from .conftest import make_offer

API = "/api/v1/cities/essen"


@pytest.fixture
def two_offers(essen, organisation):
    organisation.districts.set(essen.districts.filter(number__in=["III"]))
    cafe = make_offer(
        essen,
        organisation,
        "Sprachcafé Altendorf",
        "Deutsch sprechen bei Tee – für alle.",
        category_slug="language-cafe",
        places=("Altendorf", "Frohnhausen"),
        languages=["de", "ar"],
        target_groups=["women", "refugees"],
        venue_name="Bürgerhaus „Altendorf“",
        latitude=51.4551,
        longitude=6.9812,
    )
    advice = make_offer(
        essen,
        organisation,
        "Migrationsberatung",
        citywide=True,
        places=(),
        schedule="appointment",
        weekly_times=[],
        is_free=False,
        cost="5 €",
    )
    return cafe, advice


def _is_schema_output(client, url, schema):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.content == schema_bytes(schema, json.loads(response.content)), url
    return response


def test_offer_list_answers_are_schema_output(client, essen, two_offers):
    for query in ["", "?q=sprachcafe", "?page_size=1&page=2", "?target_group=refugees", "?district=iii"]:
        body = _is_schema_output(client, f"{API}/offers{query}", OfferList).json()
        assert body["items"], query


def test_cached_offer_list_bytes_are_schema_output(client, essen, two_offers, settings):
    settings.LIST_CACHE_SECONDS = 60
    first = _is_schema_output(client, f"{API}/offers?q=sprachcafe", OfferList)
    again = _is_schema_output(client, f"{API}/offers?q=sprachcafe", OfferList)
    assert again.content == first.content and first.json()["count"] == 1


def test_offer_detail_and_categories_are_schema_output(client, essen, two_offers):
    for offer in two_offers:
        assert _is_schema_output(client, f"{API}/offers/{offer.pk}", OfferDetail).json()["id"] == offer.pk
    assert _is_schema_output(client, f"{API}/offer-categories", OfferCategoryList).json()["count"] > 3
