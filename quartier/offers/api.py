"""The public API of offers: the list with the list envelope of decision 0004, one offer, categories (organisations have their
own: quartier/organisations/api.py).

The list is built from `.values()` rows and cached (listcache, retired by signals.py whenever an offer, a category
or an organisation changes); the answer depends on the query, the host (absolute URLs) and the day (offers not
confirmed for too long drop out).
"""

from __future__ import annotations

from collections import defaultdict
from enum import Enum

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import Field

from quartier.core import listcache
from quartier.core.api import ErrorOut, PageParams, error, json_response, paginate, schema_bytes
from quartier.places import selectors as places
from quartier.places.models import District

from . import selectors
from .models import Offer, OfferCategory, TargetGroup
from .selectors import list_scope

router = Router(tags=["offers"])
routers = [router]  # composed into /api/v1/ by quartier/site/api.py
# A named enum: the schema name must not collide with other apps' enums.
OfferSchedule = Enum("OfferSchedule", {v: v for v in Offer.Schedule.values}, type=str)

LANGUAGE_PATTERN = r"^[a-z]{2,3}$"


# --- schemas -------------------------------------------------------------------------------------------------


class OfferPlaceRef(Schema):
    number: int | str | None
    name: str


class OfferCategoryOut(Schema):
    slug: str
    name: str


class OfferOrganisationRef(Schema):
    id: int
    slug: str
    name: str


class OfferWeeklyTime(Schema):
    weekday: int = Field(description="0 Monday … 6 Sunday")
    start: str = Field(description="HH:MM, Europe/Berlin")
    end: str


class OfferItem(Schema):
    id: int
    slug: str
    title: str
    category: OfferCategoryOut
    organisation: OfferOrganisationRef
    neighbourhoods: list[OfferPlaceRef] = Field(description="empty for an offer for the whole city")
    citywide: bool
    target_groups: list[TargetGroup]
    languages: list[str] = Field(description="ISO 639 codes")
    schedule: OfferSchedule
    weekly_times: list[OfferWeeklyTime]
    free: bool
    step_free: bool
    confirmed_at: str = Field(description="when the organisation last confirmed the offer")
    url: str


class OfferList(Schema):
    items: list[OfferItem]
    count: int
    next: str | None


class OfferDetail(OfferItem):
    description: str
    schedule_note: str
    districts: list[OfferPlaceRef]
    venue_name: str
    venue_street: str
    venue_postal_code: str
    latitude: float | None
    longitude: float | None
    cost: str
    contact_name: str
    contact_email: str
    contact_phone: str
    hearing_loop: bool
    sign_language: bool
    childcare: bool
    accessibility_note: str


class OfferQuery(PageParams):
    q: str | None = Field(None, max_length=200, description="full text: German word forms, umlauts, typos")
    neighbourhood: str | None = Field(None, max_length=120, description="official number or name")
    district: str | None = Field(None, max_length=8, description="roman numeral, e.g. III")
    category: str | None = Field(None, max_length=60, description="category slug, see /offer-categories")
    target_group: TargetGroup | None = None
    language: str | None = Field(None, pattern=LANGUAGE_PATTERN, description="ISO 639 code, e.g. ar")
    free: bool = False


class OfferCategoryList(Schema):
    items: list[OfferCategoryOut]
    count: int
    next: str | None


# --- helpers -------------------------------------------------------------------------------------------------


def _invalid(field: str, msg: str) -> ValidationError:
    return ValidationError([{"loc": ["query", field], "msg": msg, "type": "value_error"}])


def _no_nul(field: str, value: str | None) -> None:
    if value is not None and "\x00" in value:
        raise _invalid(field, "must not contain NUL characters")


class Urls:
    """Absolute URLs for one request: reverse once, then fill in the slug."""

    def __init__(self, request: HttpRequest, name: str):
        marker = reverse(name, kwargs={"slug": "slug-marker-987654321"})
        self.template = request.build_absolute_uri(marker).replace("slug-marker-987654321", "{slug}")

    def __call__(self, slug: str) -> str:
        return self.template.format(slug=slug)


def filters_from(city, params: OfferQuery) -> selectors.OfferFilters:
    for name in ("q", "neighbourhood", "district", "category"):
        _no_nul(name, getattr(params, name))
    neighbourhood = district = category = None
    if params.neighbourhood:
        found = places.neighbourhood_by_key(city, params.neighbourhood)
        if found is None:
            raise _invalid("neighbourhood", "unknown neighbourhood")
        neighbourhood = found.pk
    if params.district:
        found = (
            District.objects.defer("boundary")
            .filter(city=city, number__iexact=params.district.strip())
            .first()
        )
        if found is None:
            raise _invalid("district", "unknown district")
        district = found.pk
    if params.category:
        category = (
            OfferCategory.objects.filter(city=city, slug=params.category.strip().lower())
            .values_list("pk", flat=True)
            .first()
        )
        if category is None:
            raise _invalid("category", "unknown category")
    return selectors.OfferFilters(
        q=(params.q or "").strip() or None,
        neighbourhood=neighbourhood,
        district=district,
        category=category,
        target_group=params.target_group.value if params.target_group else None,
        language=params.language,
        free=params.free,
    )


ITEM_VALUES = (
    "id",
    "slug",
    "title",
    "category__slug",
    "category__name",
    "organisation_id",
    "organisation__slug",
    "organisation__name",
    "citywide",
    "target_groups",
    "languages",
    "schedule",
    "weekly_times",
    "is_free",
    "step_free",
    "confirmed_at",
)


def _places_of(offer_ids: list[int]) -> dict[int, list[dict]]:
    rows = (
        Offer.neighbourhoods.through.objects.filter(offer_id__in=offer_ids)
        .order_by("neighbourhood__number", "neighbourhood__name")
        .values_list("offer_id", "neighbourhood__number", "neighbourhood__name")
    )
    found: dict[int, list[dict]] = defaultdict(list)
    for offer_id, number, name in rows:
        found[offer_id].append({"number": number, "name": name})
    return found


def _item(row: dict, places_: list[dict], url_for: Urls) -> dict:
    return {
        "id": row["id"],
        "slug": row["slug"],
        "title": row["title"],
        "category": {"slug": row["category__slug"], "name": row["category__name"]},
        "organisation": {
            "id": row["organisation_id"],
            "slug": row["organisation__slug"],
            "name": row["organisation__name"],
        },
        "neighbourhoods": places_,
        "citywide": row["citywide"],
        "target_groups": row["target_groups"],
        "languages": row["languages"],
        "schedule": row["schedule"],
        "weekly_times": row["weekly_times"],
        "free": row["is_free"],
        "step_free": row["step_free"],
        "confirmed_at": timezone.localtime(row["confirmed_at"]).isoformat(),
        "url": url_for(row["slug"]),
    }


# --- endpoints -----------------------------------------------------------------------------------------------


@router.get(
    "/cities/{city_slug}/offers",
    response={200: OfferList, 404: ErrorOut, 422: dict},
    summary="Offers (regular activities and services), searched and filtered",
    description="Only listed offers: published and confirmed by their organisation within the last 15 months. "
    "With `q`, best matches first; else by title. An offer for the whole city is in every Stadtteil.",
)
def offer_list(request: HttpRequest, city_slug: str, params: Query[OfferQuery]):
    city_id = places.city_id_for_slug(city_slug)
    if city_id is None:
        return error(request, 404, "This city is not served here.")
    city = places.city_by_slug(city_slug)
    filters = filters_from(city, params)

    def build() -> bytes:
        qs = selectors.public_search(city, filters)
        page = paginate(request, qs.values(*ITEM_VALUES), params, count=qs.count())
        rows = list(page["items"])
        where = _places_of([r["id"] for r in rows])
        url_for = Urls(request, "public:offer")
        page["items"] = [_item(r, where.get(r["id"], []), url_for) for r in rows]
        return schema_bytes(OfferList, page)

    parts = (request.get_full_path(), request.build_absolute_uri("/"), str(timezone.localdate()))
    body = listcache.cached_bytes(list_scope(city_id), parts, build)
    return json_response(request, body, cache_seconds=60)


@router.get(
    "/cities/{city_slug}/offers/{offer_id}",
    response={200: OfferDetail, 404: ErrorOut},
    summary="One listed offer",
)
def offer_detail(request: HttpRequest, city_slug: str, offer_id: int):
    city = places.city_by_slug(city_slug)
    if city is None:
        return error(request, 404, "This city is not served here.")
    offer = (
        selectors.visible(city)
        .select_related("category", "organisation")
        .filter(pk=offer_id)
        .values(
            *ITEM_VALUES,
            "description",
            "schedule_note",
            "venue_name",
            "venue_street",
            "venue_postal_code",
            "latitude",
            "longitude",
            "cost",
            "contact_name",
            "contact_email",
            "contact_phone",
            "hearing_loop",
            "sign_language",
            "childcare",
            "accessibility_note",
        )
        .first()
        if 0 < offer_id < 2**63
        else None
    )
    if offer is None:
        return error(request, 404, "No listed offer with this id.")
    where = _places_of([offer["id"]]).get(offer["id"], [])
    districts = (
        District.objects.filter(neighbourhoods__offers=offer["id"])
        .distinct()
        .order_by("ordinal")
        .values("number", "name")
    )
    body = {
        **_item(offer, where, Urls(request, "public:offer")),
        **{k: offer[k] for k in OfferDetail.model_fields if k in offer and k not in OfferItem.model_fields},
        "districts": list(districts),
    }
    return json_response(request, schema_bytes(OfferDetail, body), cache_seconds=60)


@router.get(
    "/cities/{city_slug}/offer-categories",
    response={200: OfferCategoryList, 404: ErrorOut},
    summary="The categories of offers (slugs for the `category` filter)",
)
def category_list(request: HttpRequest, city_slug: str):
    city = places.city_by_slug(city_slug)
    if city is None:
        return error(request, 404, "This city is not served here.")
    items = list(
        OfferCategory.objects.filter(city=city, is_active=True)
        .order_by("ordinal", "name")
        .values("slug", "name")
    )
    body = {"items": items, "count": len(items), "next": None}
    return json_response(request, schema_bytes(OfferCategoryList, body), cache_seconds=300)
