"""Public API for events and programmes: lists of occurrences with filters, one event, programmes, iCalendar."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import Field

from quartier.core import listcache
from quartier.core.api import ErrorOut, PageParams, error, json_bytes, json_response, paginate
from quartier.places import selectors as places

from . import selectors
from .ical import calendar_for
from .models import Event, Programme
from .occurrences import BERLIN, Occurrence

router = Router(tags=["events"])
routers = [router]  # composed into /api/v1/ by quartier/site/api.py
FEED_LIMIT = 2000


# Named enums: the schema names must not collide with other apps' (offers have a "TargetGroup" of their own).
EventType = Enum("EventType", {v: v for v in Event.Type.values}, type=str)
EventTargetGroup = Enum("EventTargetGroup", {v: v for v in Event.TargetGroup.values}, type=str)


class EventAreaRef(Schema):
    """A Stadtteil (official number) or Stadtbezirk (roman numeral) of an event."""

    number: int | str | None
    name: str


class ProgrammeRef(Schema):
    id: int
    slug: str
    title: str


# Made from an `Occurrence` (the event and one occurrence's times); the resolvers say where each field comes from.
class EventOut(Schema):
    """One occurrence of a public event."""

    id: int
    slug: str
    title: str
    start: datetime
    end: datetime
    type: str
    status: str = Field(description="scheduled or cancelled")
    neighbourhood: EventAreaRef | None
    district: EventAreaRef | None
    programme: ProgrammeRef | None
    organisation: str
    languages: list[str]
    target_groups: list[str]
    online: bool
    free: bool
    step_free: bool
    url: str

    @staticmethod
    def resolve_id(o: Occurrence) -> int:
        return o.event.pk

    @staticmethod
    def resolve_slug(o: Occurrence) -> str:
        return o.event.slug

    @staticmethod
    def resolve_title(o: Occurrence) -> str:
        return o.event.title

    @staticmethod
    def resolve_start(o: Occurrence) -> datetime:
        return o.start.astimezone(BERLIN)

    @staticmethod
    def resolve_end(o: Occurrence) -> datetime:
        return o.end.astimezone(BERLIN)

    @staticmethod
    def resolve_type(o: Occurrence) -> str:
        return o.event.type

    @staticmethod
    def resolve_status(o: Occurrence) -> str:
        return "cancelled" if o.event.status == Event.Status.CANCELLED else "scheduled"

    @staticmethod
    def resolve_neighbourhood(o: Occurrence) -> dict | None:
        n = o.event.neighbourhood
        return {"number": n.number, "name": n.name} if n is not None else None

    @staticmethod
    def resolve_district(o: Occurrence) -> dict | None:
        n = o.event.neighbourhood
        return {"number": n.district.number, "name": n.district.name} if n is not None else None

    @staticmethod
    def resolve_programme(o: Occurrence) -> dict | None:
        p = o.event.programme
        return {"id": p.pk, "slug": p.slug, "title": p.title} if p is not None else None

    @staticmethod
    def resolve_organisation(o: Occurrence) -> str:
        return o.event.organisation.name

    @staticmethod
    def resolve_languages(o: Occurrence) -> list[str]:
        return o.event.languages

    @staticmethod
    def resolve_target_groups(o: Occurrence) -> list[str]:
        return o.event.target_groups

    @staticmethod
    def resolve_online(o: Occurrence) -> bool:
        return o.event.online

    @staticmethod
    def resolve_free(o: Occurrence) -> bool:
        return o.event.is_free

    @staticmethod
    def resolve_step_free(o: Occurrence) -> bool:
        return o.event.step_free

    @staticmethod
    def resolve_url(o: Occurrence, context) -> str:
        return EventUrls(context["request"])(o.event.pk, o.event.slug)


class EventList(Schema):
    items: list[EventOut]
    count: int
    next: str | None


# Made from a `Programme` with its districts prefetched.
class ProgrammeOut(Schema):
    """A programme: a series of events."""

    id: int
    slug: str
    title: str
    starts_on: date
    ends_on: date
    districts: list[str]
    url: str

    @staticmethod
    def resolve_districts(p: Programme) -> list[str]:
        return [d.number for d in p.districts.all()]

    @staticmethod
    def resolve_url(p: Programme, context) -> str:
        return context["request"].build_absolute_uri(reverse("public:programme", kwargs={"slug": p.slug}))


class ProgrammeList(Schema):
    items: list[ProgrammeOut]
    count: int
    next: str | None


def through(schema: type[Schema], obj, request: HttpRequest) -> dict:
    """`obj` as its declared response schema makes it: validated, and serialised to JSON types (the same bytes
    as ninja's rendering after json_bytes, which keeps the answers compact and their ETags stable)."""
    return schema.model_validate(obj, context={"request": request}).model_dump(mode="json")


class EventQuery(PageParams):
    district: str | None = Field(None, max_length=8, description="roman numeral, e.g. III")
    neighbourhood: str | None = Field(None, max_length=120, description="official number or name")
    from_: str | None = Field(None, alias="from", max_length=40, description="date or datetime, inclusive")
    to: str | None = Field(None, max_length=40, description="date or datetime, exclusive")
    type: EventType | None = None
    language: str | None = Field(None, max_length=20, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})?$")
    target_group: EventTargetGroup | None = None
    free: bool | None = None
    step_free: bool | None = None
    programme: str | None = Field(None, max_length=220, description="id or slug")
    q: str | None = Field(None, max_length=200)


def _invalid(field: str, msg: str):
    return ValidationError([{"loc": ["query", field], "msg": msg, "type": "value_error"}])


def _moment(value: str | None, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = (
            datetime.fromisoformat(value)
            if "T" in value or " " in value.strip()
            else date.fromisoformat(value)
        )
    except ValueError as exc:
        raise _invalid(field, "expected an ISO 8601 date or datetime") from exc
    return selectors.as_start(parsed)


def filters_from(city, params: EventQuery) -> selectors.EventFilters:
    """Turn API (and feed) parameters into filters; unknown districts, neighbourhoods or programmes are 422."""
    filters = selectors.EventFilters(
        start=_moment(params.from_, "from"),
        end=_moment(params.to, "to"),
        types=[params.type.value] if params.type else [],
        language=params.language,
        target_group=params.target_group.value if params.target_group else None,
        free=params.free,
        step_free=params.step_free,
        q=(params.q or "").strip() or None,
    )
    if filters.start and filters.end and filters.end <= filters.start:
        raise _invalid("to", "must be after from")
    if params.district:
        district = selectors.district_by_number(city, params.district)
        if district is None:
            raise _invalid("district", "unknown district")
        filters.districts = [district.pk]
    if params.neighbourhood:
        n = places.neighbourhood_by_key(city, params.neighbourhood)
        if n is None:
            raise _invalid("neighbourhood", "unknown neighbourhood")
        filters.neighbourhoods = [n.pk]
    if params.programme:
        filters.programme = selectors.programme_by_key(city, params.programme)
        if filters.programme is None:
            raise _invalid("programme", "unknown programme")
    return filters


# The fast path of the event list: the columns of an event that an item shows, read with .values() (no model
# instances: a page of 100 items costs a third of the time it did with instances), made into EventOut's output by
# _item and cached as bytes. tests/events/test_event_api_schemas.py checks that the bytes equal EventOut's output.
ITEM_VALUES = (
    "id",
    "slug",
    "title",
    "type",
    "status",
    "languages",
    "target_groups",
    "online",
    "is_free",
    "step_free",
    "organisation__name",
    "programme_id",
    "programme__slug",
    "programme__title",
    "neighbourhood__number",
    "neighbourhood__name",
    "neighbourhood__district__number",
    "neighbourhood__district__name",
)


class EventUrls:
    """Absolute event URLs for one request: reverse once, then fill in id and slug."""

    def __init__(self, request: HttpRequest):
        marker = reverse("public:event", kwargs={"pk": 987654321, "slug": "slug-marker"})
        self.template = request.build_absolute_uri(marker).replace("987654321-slug-marker", "{pk}-{slug}")

    def __call__(self, pk: int, slug: str) -> str:
        return self.template.format(pk=pk, slug=slug)


def _item(e: dict, start: datetime, end: datetime, url_for: EventUrls) -> dict:
    """One API item from an event's ITEM_VALUES (keys without prefix) and one occurrence's times: what EventOut
    makes of the occurrence, without building model instances."""
    return {
        "id": e["id"],
        "slug": e["slug"],
        "title": e["title"],
        "start": start.astimezone(BERLIN).isoformat(),
        "end": end.astimezone(BERLIN).isoformat(),
        "type": e["type"],
        "status": "cancelled" if e["status"] == Event.Status.CANCELLED else "scheduled",
        "neighbourhood": {"number": e["neighbourhood__number"], "name": e["neighbourhood__name"]}
        if e["neighbourhood__name"] is not None
        else None,
        "district": {
            "number": e["neighbourhood__district__number"],
            "name": e["neighbourhood__district__name"],
        }
        if e["neighbourhood__name"] is not None
        else None,
        "programme": {"id": e["programme_id"], "slug": e["programme__slug"], "title": e["programme__title"]}
        if e["programme_id"]
        else None,
        "organisation": e["organisation__name"],
        "languages": e["languages"],
        "target_groups": e["target_groups"],
        "online": e["online"],
        "free": e["is_free"],
        "step_free": e["step_free"],
        "url": url_for(e["id"], e["slug"]),
    }


@router.get(
    "/cities/{city_slug}/events",
    response={200: EventList, 404: ErrorOut, 422: dict},
    summary="Event occurrences in [from, to) (default: the next 365 days), filtered",
)
def event_list(request: HttpRequest, city_slug: str, params: Query[EventQuery]):
    city_id = places.city_id_for_slug(city_slug)
    if city_id is None:
        return error(request, 404, "This city is not served here.")

    def build() -> bytes:
        city = places.city_by_slug(city_slug)
        if city is None:  # removed a moment ago
            raise Http404
        rows = selectors.occurrence_rows(city=city, filters=filters_from(city, params))
        values = rows.values("start", "end", *(f"event__{name}" for name in ITEM_VALUES))
        page = paginate(request, values, params, count=rows.count())
        url_for = EventUrls(request)
        page["items"] = [
            _item({k.removeprefix("event__"): v for k, v in row.items()}, row["start"], row["end"], url_for)
            for row in page["items"]
        ]
        return json_bytes(page)

    # The answer depends on the data (scope), the query, the host (absolute URLs) and today (default window).
    parts = (request.get_full_path(), request.build_absolute_uri("/"), str(timezone.localdate()))
    body = listcache.cached_bytes(selectors.list_scope(city_id), parts, build)
    return json_response(request, body, cache_seconds=60)


@router.get(
    "/cities/{city_slug}/events.ics",
    response={404: ErrorOut, 422: dict},
    openapi_extra={
        "responses": {
            200: {"description": "OK", "content": {"text/calendar": {"schema": {"type": "string"}}}}
        }
    },
    summary="The same events as an iCalendar (RFC 5545) feed to subscribe to",
    description=f"Each event once, with its recurrence rule and exceptions; at most {FEED_LIMIT:,} events, "
    "the earliest first: narrow the filters for more.",
)
def event_feed(request: HttpRequest, city_slug: str, params: Query[EventQuery]):
    city = places.city_by_slug(city_slug)
    if city is None:
        return error(request, 404, "This city is not served here.")
    urls = EventUrls(request)
    events = list(selectors.feed_events(city=city, filters=filters_from(city, params))[:FEED_LIMIT])
    body = calendar_for(
        events,
        name=f"{city.name}: Veranstaltungen",
        url_for=lambda e: urls(e.pk, e.slug),
        host=request.get_host().split(":")[0],
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


@router.get(
    "/cities/{city_slug}/events/{event_id}",
    response={200: EventOut, 404: ErrorOut},
    summary="One event (its first occurrence)",
)
def event_detail(request: HttpRequest, city_slug: str, event_id: int):
    city = places.city_by_slug(city_slug)
    event = selectors.public_event(city, event_id) if city else None
    if event is None:
        return error(request, 404, "No such event.")
    item = through(EventOut, Occurrence(event, event.start, event.end), request)
    return json_response(request, item, cache_seconds=60)


@router.get(
    "/cities/{city_slug}/programmes",
    response={200: ProgrammeList, 404: ErrorOut},
    summary="Programmes (series of events)",
)
def programme_list(request: HttpRequest, city_slug: str, params: Query[PageParams]):
    city = places.city_by_slug(city_slug)
    if city is None:
        return error(request, 404, "This city is not served here.")
    programmes = list(selectors.public_programmes(city))
    page = through(ProgrammeList, paginate(request, programmes, params), request)
    return json_response(request, page, cache_seconds=60)
