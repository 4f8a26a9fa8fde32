"""Reads of offers: the public search with its filters, what staff may see and correct, and the offer a
confirmation link points to."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from quartier.accounts.models import Role
from quartier.accounts.permissions import (
    district_ids_for,
    is_citywide_staff,
)
from quartier.core.tokens import token_hash
from quartier.organisations.models import Organisation
from quartier.places.models import Neighbourhood

from . import search
from .models import Offer


def list_scope(city_id: int) -> str:
    """The listcache scope of a city's cached offer and organisation lists (retired by signals.py)."""
    return f"offers:{city_id}"


@dataclass(frozen=True)
class OfferFilters:
    q: str | None = None
    neighbourhood: int | None = None  # id
    district: int | None = None  # id
    category: int | None = None  # id
    target_group: str | None = None
    language: str | None = None
    free: bool = False


def visible(city, now=None) -> QuerySet[Offer]:
    """Published offers that their organisation confirmed within the confirmation period plus the grace time."""
    now = now or timezone.now()
    return Offer.objects.filter(
        city=city, status=Offer.Status.PUBLISHED, confirmed_at__gte=now - Offer.hidden_after()
    )


def public_search(city, filters: OfferFilters | None = None) -> QuerySet[Offer]:
    """The public list: visible offers matching the filters, best matches first for a search, else by title."""
    f = filters or OfferFilters()
    qs = visible(city).select_related("category", "organisation")
    if f.neighbourhood:
        # An offer for the whole city is there in every Stadtteil.
        here = Offer.neighbourhoods.through.objects.filter(neighbourhood_id=f.neighbourhood).values(
            "offer_id"
        )
        qs = qs.filter(Q(citywide=True) | Q(pk__in=here))  # a subquery, not a join: no DISTINCT needed
    elif f.district:
        neighbourhoods = Neighbourhood.objects.filter(district_id=f.district).values("pk")
        here = Offer.neighbourhoods.through.objects.filter(neighbourhood_id__in=neighbourhoods).values(
            "offer_id"
        )
        qs = qs.filter(Q(citywide=True) | Q(pk__in=here))
    if f.category:
        qs = qs.filter(category_id=f.category)
    if f.target_group:
        qs = json_array_has(qs, "target_groups", f.target_group)
    if f.language:
        qs = json_array_has(qs, "languages", f.language)
    if f.free:
        qs = qs.filter(is_free=True)
    if f.q and search.query_words(f.q):
        return search.order_by_rank(search.apply(qs, f.q))
    return qs.order_by("title", "id")


def json_array_has(qs: QuerySet, field: str, value: str) -> QuerySet:
    """Rows whose JSON list `field` (a constant name) holds `value`: jsonb containment on PostgreSQL, json_each on
    SQLite (which has no containment lookup)."""
    if connection.features.supports_json_field_contains:
        return qs.filter(**{f"{field}__contains": [value]})
    table = qs.model._meta.db_table
    return qs.extra(  # noqa: S610 - constant names; the value is a parameter
        where=[f"EXISTS (SELECT 1 FROM json_each({table}.{field}) WHERE json_each.value = %s)"],  # noqa: S608
        params=[value],
    )


def editable_by(user, city) -> QuerySet[Offer]:
    """The offers `user` may correct: their organisations' offers, their districts' offers, or all for city-wide
    staff."""
    qs = Offer.objects.filter(city=city).select_related("category", "organisation")
    if is_citywide_staff(user, city):
        return qs
    own = district_ids_for(user, city, roles={Role.COORDINATOR})
    scope = Q(organisation__members__user=user)
    if own:
        scope |= Q(neighbourhoods__district_id__in=own)
    return qs.filter(scope).distinct()


def publishable_organisations(user, city) -> QuerySet[Organisation]:
    """The organisations `user` may create offers for (permissions.can_publish_for, as one query)."""
    qs = Organisation.objects.filter(city=city).order_by("name")
    if not user or not user.is_authenticated:
        return qs.none()
    if is_citywide_staff(user, city):
        return qs
    scope = Q(members__user=user)
    own = district_ids_for(user, city, roles={Role.COORDINATOR})
    if own:
        scope |= Q(districts__in=own)
    return qs.filter(scope).distinct()


def organisation_in(city, organisation_id: int) -> Organisation | None:
    """The city's organisation with this id (whether the user may publish for it is permissions.can_publish_for)."""
    return Organisation.objects.filter(city=city, pk=organisation_id).first()


def offer_counts(city, organisation_ids: list[int]) -> dict[int, int]:
    """The number of visible offers of each of these organisations (the organisation API's `offers`)."""
    counts: dict[int, int] = defaultdict(int)
    for org_id in (
        visible(city).filter(organisation_id__in=organisation_ids).values_list("organisation_id", flat=True)
    ):
        counts[org_id] += 1
    return dict(counts)


def offer_by_confirm_token(token: str) -> Offer | None:
    """The offer a reminder mail's confirmation link points to, or None (a wrong token is simply not found)."""
    if not token or len(token) > 100:
        return None
    return (
        Offer.objects.filter(confirm_token_hash=token_hash(token))
        .select_related("city", "organisation")
        .first()
    )
