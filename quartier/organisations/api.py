"""The public API of organisations: the list with the list envelope of decision 0004, and one organisation.

Every answer is made by its declared schema. The list is cached (listcache, scope `selectors.list_scope`, retired by
signals.py when an organisation changes and by the rooms whose things it counts, see sections.py); it depends on the
query, the host (absolute URLs) and the day (the counted offers drop out when not confirmed for too long).
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

from . import sections
from .models import Organisation
from .selectors import list_scope

router = Router(tags=["organisations"])
routers = [router]  # composed into /api/v1/ by quartier/site/api.py
# A named enum: the schema name must not collide with other apps' enums.
OrganisationKind = Enum("OrganisationKind", {v: v for v in Organisation.Kind.values}, type=str)


# --- schemas -------------------------------------------------------------------------------------------------


class OrganisationDistrictRef(Schema):
    number: int | str | None
    name: str


class OrganisationItem(Schema):
    id: int
    slug: str
    name: str
    kind: OrganisationKind
    districts: list[OrganisationDistrictRef]
    offers: int = Field(description="number of its listed offers")
    url: str


class OrganisationList(Schema):
    items: list[OrganisationItem]
    count: int
    next: str | None


class OrganisationDetail(OrganisationItem):
    description: str
    contact_name: str
    email: str
    phone: str
    website: str


class OrganisationQuery(PageParams):
    q: str | None = Field(None, max_length=200, description="part of the name")
    district: str | None = Field(None, max_length=8, description="roman numeral, e.g. III")


# --- helpers -------------------------------------------------------------------------------------------------


def _invalid(field: str, msg: str) -> ValidationError:
    return ValidationError([{"loc": ["query", field], "msg": msg, "type": "value_error"}])


def _no_nul(field: str, value: str | None) -> None:
    if value is not None and "\x00" in value:
        raise _invalid(field, "must not contain NUL characters")


def _page_url(request: HttpRequest):
    """The absolute URL of an organisation's public page: reverse once, then fill in the slug."""
    marker = "slug-marker-987654321"
    template = request.build_absolute_uri(reverse("public:organisation", kwargs={"slug": marker}))
    return lambda slug: template.replace(marker, slug)


def _organisations(city, params: OrganisationQuery):
    _no_nul("q", params.q)
    _no_nul("district", params.district)
    qs = Organisation.objects.filter(city=city)
    if params.district:
        district = (
            District.objects.defer("boundary")
            .filter(city=city, number__iexact=params.district.strip())
            .first()
        )
        if district is None:
            raise _invalid("district", "unknown district")
        qs = qs.filter(districts=district)
    if params.q and params.q.strip():
        qs = qs.filter(name__icontains=params.q.strip())
    return qs.order_by("name", "id")


def _organisation_rows(city, rows: list[dict], request: HttpRequest) -> list[dict]:
    ids = [r["id"] for r in rows]
    offers = sections.counts("offers", city, ids)
    districts: dict[int, list[dict]] = defaultdict(list)
    through_rows = Organisation.districts.through.objects.filter(organisation_id__in=ids).order_by(
        "district__ordinal"
    )
    for org_id, number, name in through_rows.values_list(
        "organisation_id", "district__number", "district__name"
    ):
        districts[org_id].append({"number": number, "name": name})
    url_for = _page_url(request)
    return [
        {
            **r,
            "districts": districts.get(r["id"], []),
            "offers": offers.get(r["id"], 0),
            "url": url_for(r["slug"]),
        }
        for r in rows
    ]


# --- endpoints -----------------------------------------------------------------------------------------------


@router.get(
    "/cities/{city_slug}/organisations",
    response={200: OrganisationList, 404: ErrorOut, 422: dict},
    summary="Organisations (associations, institutions, offices) with the number of their listed offers",
)
def organisation_list(request: HttpRequest, city_slug: str, params: Query[OrganisationQuery]):
    city_id = places.city_id_for_slug(city_slug)
    if city_id is None:
        return error(request, 404, "This city is not served here.")
    city = places.city_by_slug(city_slug)
    qs = _organisations(city, params)

    def build() -> bytes:
        page = paginate(request, qs.values("id", "slug", "name", "kind"), params, count=qs.count())
        page["items"] = _organisation_rows(city, list(page["items"]), request)
        return schema_bytes(OrganisationList, page)

    parts = (
        "organisations",
        request.get_full_path(),
        request.build_absolute_uri("/"),
        str(timezone.localdate()),
    )
    body = listcache.cached_bytes(list_scope(city_id), parts, build)
    return json_response(request, body, cache_seconds=60)


@router.get(
    "/cities/{city_slug}/organisations/{organisation_id}",
    response={200: OrganisationDetail, 404: ErrorOut},
    summary="One organisation with its public contact",
)
def organisation_detail(request: HttpRequest, city_slug: str, organisation_id: int):
    city = places.city_by_slug(city_slug)
    if city is None:
        return error(request, 404, "This city is not served here.")
    row = (
        Organisation.objects.filter(city=city, pk=organisation_id)
        .values("id", "slug", "name", "kind", "description", "contact_name", "email", "phone", "website")
        .first()
        if 0 < organisation_id < 2**63
        else None
    )
    if row is None:
        return error(request, 404, "No organisation with this id.")
    body = schema_bytes(OrganisationDetail, _organisation_rows(city, [row], request)[0])
    return json_response(request, body, cache_seconds=60)
