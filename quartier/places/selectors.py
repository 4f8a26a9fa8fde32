"""Reads of place data. Public data: no user scope (selectors scoped by a user's roles live in accounts)."""

from __future__ import annotations

import time

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from .models import (
    City,
    Contact,
    District,
    DistrictOffice,
    Neighbourhood,
    PlaceSource,
    Postcode,
    PostcodeNeighbourhood,
)

_HOST_CACHE: dict[str, tuple[float, City | None]] = {}
_HOST_TTL = 30.0


def city_for_host(host: str) -> City | None:
    """The city served under this host name, else the default city (cached briefly per process)."""
    now = time.monotonic()
    hit = _HOST_CACHE.get(host)
    if hit and now - hit[0] < _HOST_TTL:
        return hit[1]
    cities = City.objects.defer("boundary")  # the boundary is only read by the finder index
    city = cities.filter(domain__iexact=host).first() if host else None
    if city is None:
        city = cities.filter(is_default=True).first() or cities.order_by("pk").first()
    _HOST_CACHE[host] = (now, city)
    return city


def forget_host_cache() -> None:
    _HOST_CACHE.clear()
    _SLUG_CACHE.clear()
    _CITY_CACHE.clear()
    _NEIGHBOURHOOD_CACHE.clear()


_SLUG_CACHE: dict[str, tuple[float, int | None]] = {}


def city_id_for_slug(slug: str) -> int | None:
    """The city's id for an API path, cached per process and rechecked as often as the finder index
    (QUARTIER_PLACES_RECHECK_SECONDS): the query cost more than the lookup itself (bench/RESULTS.md)."""
    if len(slug) > 50:
        return None
    slug = slug.lower()
    now = time.monotonic()
    hit = _SLUG_CACHE.get(slug)
    if hit and now - hit[0] < settings.PLACES_RECHECK_SECONDS:
        return hit[1]
    city_id = City.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if city_id is not None or len(_SLUG_CACHE) < 1000:  # unknown slugs must not grow the cache without bound
        _SLUG_CACHE[slug] = (now, city_id)
    return city_id


_CITY_CACHE: dict[str, tuple[float, City | None]] = {}


def city_by_slug(slug: str) -> City | None:
    """The city of an API path, cached per process like `city_id_for_slug`. Treat it as read-only."""
    if len(slug) > 50:
        return None
    slug = slug.lower()
    now = time.monotonic()
    hit = _CITY_CACHE.get(slug)
    if hit and now - hit[0] < settings.PLACES_RECHECK_SECONDS:
        return hit[1]
    city = City.objects.defer("boundary").filter(slug=slug).first()
    if city is not None or len(_CITY_CACHE) < 1000:
        _CITY_CACHE[slug] = (now, city)
    return city


_NEIGHBOURHOOD_CACHE: dict[int, tuple[float, dict[str, Neighbourhood]]] = {}


def neighbourhood_by_key(city: City, key: int | str) -> Neighbourhood | None:
    """A city's Stadtteil by its official number (an int, or digits) or its name in any case, with its district
    loaded and the boundaries deferred; cached per process like `city_id_for_slug`. Treat it as read-only."""
    now = time.monotonic()
    hit = _NEIGHBOURHOOD_CACHE.get(city.pk)
    if hit and now - hit[0] < settings.PLACES_RECHECK_SECONDS:
        table = hit[1]
    else:
        table = {}
        for n in (
            Neighbourhood.objects.defer("boundary", "district__boundary")
            .select_related("district")
            .filter(city=city)
            .order_by("-pk")  # the lowest id wins where two rows share a name or number
        ):
            table[f"name:{n.name.casefold()}"] = n
            if n.number is not None:
                table[f"number:{n.number}"] = n
        _NEIGHBOURHOOD_CACHE[city.pk] = (now, table)
    text = str(key).strip()
    if text.isascii() and text.isdigit() and len(text) <= 5:
        found = table.get(f"number:{int(text)}")
        if found is not None:
            return found
    if isinstance(key, int):
        return None
    return table.get(f"name:{text.casefold()}")


def _contacts_prefetch() -> Prefetch:
    return Prefetch(
        "contacts",
        queryset=Contact.objects.select_related("office")
        .prefetch_related("districts")
        .order_by("office__key", "id"),
    )


def districts_with_places(city: City) -> QuerySet[District]:
    """All districts of a city with their neighbourhoods and contacts, in official order."""
    return (
        District.objects.filter(city=city)
        .prefetch_related(
            Prefetch(
                "neighbourhoods",
                queryset=Neighbourhood.objects.order_by("number", "name").prefetch_related("postcodes"),
            ),
            _contacts_prefetch(),
        )
        .order_by("ordinal")
    )


def district_detail(city: City, number: str) -> District | None:
    return districts_with_places(city).filter(number__iexact=number).first()


def neighbourhood_detail(city: City, slug: str) -> Neighbourhood | None:
    return (
        Neighbourhood.objects.filter(city=city, slug=slug)
        .select_related("district")
        .prefetch_related(
            "postcodes",
            Prefetch(
                "district__contacts",
                queryset=Contact.objects.select_related("office").prefetch_related("districts"),
            ),
        )
        .first()
    )


def neighbourhoods_with_postcodes(city: City) -> QuerySet[Neighbourhood]:
    """All neighbourhoods of a city with district and postcodes, in official order."""
    qs = Neighbourhood.objects.filter(city=city).select_related("district").prefetch_related("postcodes")
    return qs.order_by("number", "name")


def reference_data_gaps(city: City) -> dict:
    """What the reference data does not say, computed from the loaded rows, for the data-sources page."""
    neighbourhoods = list(
        Neighbourhood.objects.filter(city=city).prefetch_related("postcodes").order_by("number")
    )
    return {
        "without_population": [n for n in neighbourhoods if n.population is None],
        "without_postcodes": [n for n in neighbourhoods if not n.postcodes.all()],
        "postcodes_without_neighbourhood": list(
            Postcode.objects.filter(city=city, neighbourhoods__isnull=True)
        ),
        "offices_without_phone": list(DistrictOffice.objects.filter(city=city, phone="")),
        "offices_without_email": DistrictOffice.objects.filter(city=city, email="").count(),
        "offices_without_hours": DistrictOffice.objects.filter(city=city, opening_hours="").count(),
        "population_dates": sorted({n.population_date for n in neighbourhoods if n.population_date}),
        "notes": city.reference_notes,
    }


def neighbourhoods_by_ids(city: City, ids: list[int]) -> list[Neighbourhood]:
    """Neighbourhoods with their district's contacts, in the order of `ids` (the finder's ranking)."""
    rows = (
        Neighbourhood.objects.filter(city=city, pk__in=ids)
        .select_related("district")
        .prefetch_related(
            Prefetch(
                "district__contacts",
                queryset=Contact.objects.select_related("office").prefetch_related("districts"),
            )
        )
    )
    by_id = {n.pk: n for n in rows}
    return [by_id[i] for i in ids if i in by_id]


def postcodes_with_pairs(city: City):
    """All postcodes of a city with their pairs (Stadtteil, source, who added them), by code."""
    pairs = PostcodeNeighbourhood.objects.select_related("neighbourhood", "added_by").defer(
        "neighbourhood__boundary"
    )
    return (
        Postcode.objects.filter(city=city)
        .prefetch_related(Prefetch("pairs", queryset=pairs.order_by("neighbourhood__name")))
        .order_by("code")
    )


def city_added_pairs(city: City):
    """The pairs the city added in the workspace, for the data-sources page."""
    return (
        PostcodeNeighbourhood.objects.filter(postcode__city=city, source=PlaceSource.CITY)
        .select_related("postcode", "neighbourhood")
        .defer("neighbourhood__boundary")
        .order_by("postcode__code", "neighbourhood__name")
    )


def postcode_pair(city: City, pk: int):
    """One pair of this city (None for another city's)."""
    return (
        PostcodeNeighbourhood.objects.filter(pk=pk, postcode__city=city)
        .select_related("postcode__city", "neighbourhood")
        .defer("neighbourhood__boundary", "postcode__city__boundary")
        .first()
    )
