"""Public API for places: cities, districts, neighbourhoods (JSON and GeoJSON) and the lookup."""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import Field

from quartier.core.api import (
    ErrorOut,
    PageParams,
    error,
    json_bytes,
    json_response,
    media_type,
    paginate,
    schema_bytes,
)

from . import finder, selectors
from .finder import Outcome
from .models import City

GEOJSON = "application/geo+json"

router = Router(tags=["places"])
routers = [router]  # composed into /api/v1/ by quartier/site/api.py


class OfficeOut(Schema):
    name: str
    street: str
    postal_code: str
    city: str
    phone: str | None
    email: str | None


class ContactOut(Schema):
    name: str | None
    vacant: bool
    office: OfficeOut


class NeighbourhoodRef(Schema):
    number: int | None
    name: str


class DistrictRef(Schema):
    number: str
    name: str


class MatchOut(Schema):
    neighbourhood: NeighbourhoodRef
    district: DistrictRef
    contacts: list[ContactOut]


class PointIn(Schema):
    lat: float
    lon: float


class LookupOut(Schema):
    query: str | PointIn
    ambiguous: bool
    shared_contact: bool
    matched_by: str
    matches: list[MatchOut]


class NeighbourhoodOut(Schema):
    number: int | None
    name: str
    slug: str
    alternative_names: list[str]
    district: DistrictRef
    postcodes: list[str]
    population: int | None
    population_date: str | None
    area_km2: float | None
    url: str


class NeighbourhoodList(Schema):
    items: list[NeighbourhoodOut]
    count: int
    next: str | None


class DistrictOut(Schema):
    number: str
    name: str
    url: str
    neighbourhoods: list[NeighbourhoodRef]
    contacts: list[ContactOut]


class DistrictList(Schema):
    items: list[DistrictOut]
    count: int
    next: str | None


class GeoPolygon(Schema):
    """RFC 7946 Polygon: rings of [longitude, latitude] positions in WGS 84."""

    type: Literal["Polygon"]
    coordinates: list[list[list[float]]]


class GeoMultiPolygon(Schema):
    """RFC 7946 MultiPolygon: polygons of rings of [longitude, latitude] positions in WGS 84."""

    type: Literal["MultiPolygon"]
    coordinates: list[list[list[list[float]]]]


class NeighbourhoodFeatureProperties(NeighbourhoodOut):
    """A Stadtteil as in the list, with its district flattened to the number (GeoJSON tools read flat properties)."""

    district: str = Field(description="The district's number (roman numeral)")


class NeighbourhoodFeature(Schema):
    type: Literal["Feature"]
    id: int | None
    geometry: Annotated[GeoPolygon | GeoMultiPolygon, Field(discriminator="type")] | None
    properties: NeighbourhoodFeatureProperties


class GeoLicence(Schema):
    """Licence and attribution of the boundaries (a foreign member of the FeatureCollection)."""

    licence: str
    licence_url: str
    attribution: str


class NeighbourhoodFeatureCollection(Schema):
    type: Literal["FeatureCollection"]
    properties: GeoLicence
    features: list[NeighbourhoodFeature]


class CityOut(Schema):
    slug: str
    name: str


class CityList(Schema):
    items: list[CityOut]
    count: int
    next: str | None


class LookupQuery(Schema):
    q: str | None = Field(
        None, max_length=finder.MAX_QUERY_LENGTH, description="Stadtteil name, postcode or number"
    )
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)


class NeighbourhoodQuery(PageParams):
    q: str | None = Field(None, max_length=finder.MAX_QUERY_LENGTH)


def _city(slug: str):
    return selectors.city_by_slug(slug) if len(slug) <= 50 else None


def _contact_out(contact) -> dict:
    return finder.contact_api(finder._contact_info(contact))


def _public_url(request: HttpRequest, view: str, **kwargs) -> str:
    return request.build_absolute_uri(reverse(view, kwargs=kwargs))


@router.get("/cities", response=CityList, summary="Cities served by this installation")
def city_list(request: HttpRequest, params: Query[PageParams]):
    items = [{"slug": c.slug, "name": c.name} for c in City.objects.order_by("name")]
    return json_response(request, schema_bytes(CityList, paginate(request, items, params)))


@router.get(
    "/cities/{city_slug}/districts",
    response={200: DistrictList, 404: ErrorOut},
    summary="All districts with their neighbourhoods and contacts",
)
def district_list(request: HttpRequest, city_slug: str, params: Query[PageParams]):
    city = _city(city_slug)
    if city is None:
        return error(request, 404, _("Diese Stadt gibt es hier nicht."))
    items = [
        {
            "number": d.number,
            "name": d.name,
            "url": _public_url(request, "public:district", number=d.slug),
            "neighbourhoods": [{"number": n.number, "name": n.name} for n in d.neighbourhoods.all()],
            "contacts": [_contact_out(contact) for contact in d.contacts.all()],
        }
        for d in selectors.districts_with_places(city)
    ]
    return json_response(request, schema_bytes(DistrictList, paginate(request, items, params)))


def _neighbourhood_items(request: HttpRequest, city, q: str | None) -> list[dict]:
    rows = list(selectors.neighbourhoods_with_postcodes(city))
    if q:
        result = finder.lookup_text(city.pk, q)
        wanted = [p.id for p in result.places]
        by_id = {n.id: n for n in rows}
        rows = [by_id[i] for i in wanted if i in by_id]
    return [
        {
            "number": n.number,
            "name": n.name,
            "slug": n.slug,
            "alternative_names": n.alternative_names,
            "district": {"number": n.district.number, "name": n.district.name},
            "postcodes": sorted(p.code for p in n.postcodes.all()),
            "population": n.population,
            "population_date": n.population_date or None,
            "area_km2": n.area_km2,
            "url": _public_url(request, "public:neighbourhood", slug=n.slug),
            "_boundary": n.boundary,
        }
        for n in rows
    ]


@router.get(
    "/cities/{city_slug}/neighbourhoods",
    response={200: NeighbourhoodList, 404: ErrorOut, 422: dict},
    summary="Neighbourhoods (Stadtteile), optionally matching ?q= like the finder",
)
def neighbourhood_list(request: HttpRequest, city_slug: str, params: Query[NeighbourhoodQuery]):
    city = _city(city_slug)
    if city is None:
        return error(request, 404, _("Diese Stadt gibt es hier nicht."))
    if params.q is not None and not params.q.strip():
        raise ValidationError([{"loc": ["query", "q"], "msg": "must not be empty", "type": "value_error"}])
    items = _neighbourhood_items(request, city, params.q)
    for item in items:
        item.pop("_boundary")
    return json_response(request, schema_bytes(NeighbourhoodList, paginate(request, items, params)))


@router.get(
    "/cities/{city_slug}/neighbourhoods.geojson",
    response={200: NeighbourhoodFeatureCollection, 404: ErrorOut},
    openapi_extra=media_type(200, GEOJSON, NeighbourhoodFeatureCollection),
    summary="Neighbourhood boundaries as an RFC 7946 FeatureCollection",
)
def neighbourhood_geojson(request: HttpRequest, city_slug: str):
    city = _city(city_slug)
    if city is None:
        return error(request, 404, _("Diese Stadt gibt es hier nicht."))
    features = []
    for item in _neighbourhood_items(request, city, None):
        geometry = item.pop("_boundary")
        item["district"] = item["district"]["number"]
        features.append({"type": "Feature", "id": item["number"], "geometry": geometry, "properties": item})
    sources = [
        a for a in city.attributions if "stadtteile.geojson" in a.get("files", [])
    ] or city.attributions
    collection = {
        "type": "FeatureCollection",
        "properties": {
            "licence": "; ".join(a["licence"] for a in sources),
            "licence_url": "; ".join(a.get("licence_url", "") for a in sources if a.get("licence_url")),
            "attribution": " ".join(a["text"] for a in sources),
        },
        "features": features,
    }
    return json_response(
        request, schema_bytes(NeighbourhoodFeatureCollection, collection), content_type=GEOJSON
    )


_NOT_FOUND_DETAIL = {
    Outcome.NOT_FOUND: "No neighbourhood matches this query.",
    Outcome.OUTSIDE: "This point lies outside the city.",
    Outcome.POSTCODE_WITHOUT_DATA: "This postcode belongs to the city, but the data has no neighbourhoods for it.",
    Outcome.POSTCODE_UNKNOWN: "This postcode does not belong to the city.",
    Outcome.STREET_ADDRESS: "Street addresses cannot be looked up yet; use a neighbourhood name, a postcode or coordinates.",
}


@router.get(
    "/cities/{city_slug}/lookup",
    response={200: LookupOut, 404: ErrorOut, 422: dict},
    summary="Find the neighbourhood, district and contacts for a name, a postcode or a point",
)
def lookup(request: HttpRequest, city_slug: str, params: Query[LookupQuery]):
    has_point = params.lat is not None or params.lon is not None
    if has_point and (params.lat is None or params.lon is None):
        raise ValidationError(
            [
                {
                    "loc": ["query", "lat" if params.lat is None else "lon"],
                    "msg": "lat and lon must be given together",
                    "type": "missing",
                }
            ]
        )
    if has_point and params.q is not None:
        raise ValidationError(
            [{"loc": ["query", "q"], "msg": "give either q or lat/lon, not both", "type": "value_error"}]
        )
    if not has_point and (params.q is None or not params.q.strip()):
        raise ValidationError(
            [{"loc": ["query", "q"], "msg": "q or lat and lon are required", "type": "missing"}]
        )
    city_id = selectors.city_id_for_slug(city_slug)
    if city_id is None:
        return error(request, 404, "This city is not served here.")
    try:
        if has_point:
            result = finder.lookup_point(city_id, params.lat, params.lon)
            query = {"lat": params.lat, "lon": params.lon}
        else:
            result = finder.lookup_text(city_id, params.q)
            query = params.q
    except finder.InvalidQuery as exc:
        raise ValidationError([{"loc": ["query", "q"], "msg": str(exc), "type": "value_error"}]) from exc
    if not result.found:
        return error(request, 404, _NOT_FOUND_DETAIL[result.outcome])
    return json_response(request, lookup_bytes(query, result))


def lookup_bytes(query: str | dict, result: finder.Lookup) -> bytes:
    """The fast path of the lookup: its answer serialised straight from the finder's prepared match dicts,
    without validating them again through LookupOut. The lookup's throughput goal is counted against the minimal
    view and ninja/pydantic is most of what is left (bench/RESULTS.md, "the lookup API"); a test asserts these
    bytes equal `schema_bytes(LookupOut, ...)`."""
    return json_bytes(
        {
            "query": query,
            "ambiguous": result.ambiguous,
            "shared_contact": result.shared_contact,
            "matched_by": result.how.value if result.how else None,
            "matches": [p.api for p in result.places],
        }
    )
