"""Reads of events: the public sees published and cancelled events; filters; occurrences in a date range; the
pending change of a published event and what it changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from quartier.accounts.selectors import work_scope
from quartier.core.text import as_id
from quartier.organisations.models import Organisation
from quartier.organisations.permissions import counting_memberships
from quartier.organisations.selectors import organisations_acted_for
from quartier.places.models import District, Neighbourhood

from . import workflow
from .models import Event, EventOccurrence, Programme
from .occurrences import BERLIN, Occurrence
from .permissions import can_manage_registrations

PUBLIC_STATUSES = (Event.Status.PUBLISHED, Event.Status.CANCELLED)
# Boundaries are large GeoJSON: decoding them for every listed event cost more than the rest of a list request.
OUTLINES = ("city__boundary", "neighbourhood__boundary", "neighbourhood__district__boundary")
DEFAULT_WINDOW_DAYS = 365


def as_start(value: date | datetime | None) -> datetime | None:
    """A date means the start of that day in Europe/Berlin; naive datetimes are Berlin time."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=BERLIN)
    return datetime.combine(value, time(0), tzinfo=BERLIN)


@dataclass
class EventFilters:
    start: datetime | None = None
    end: datetime | None = None
    districts: list[int] = field(default_factory=list)
    neighbourhoods: list[int] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    language: str | None = None
    target_group: str | None = None
    free: bool | None = None
    step_free: bool | None = None
    programme: Programme | None = None
    q: str | None = None

    def window(self) -> tuple[datetime, datetime]:
        start = self.start or timezone.now().astimezone(BERLIN).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        return start, self.end or start + timedelta(days=DEFAULT_WINDOW_DAYS)

    def conditions(self, prefix: str = "") -> Q:
        """The filters (all but the window) as one condition on events, or on rows whose `prefix` leads to one."""
        p = prefix
        q = Q()
        if self.districts:
            q &= Q(**{f"{p}neighbourhood__district_id__in": self.districts})
        if self.neighbourhoods:
            q &= Q(**{f"{p}neighbourhood_id__in": self.neighbourhoods})
        if self.types:
            q &= Q(**{f"{p}type__in": self.types})
        if self.free is not None:
            q &= Q(**{f"{p}is_free": self.free})
        if self.step_free:
            q &= Q(**{f"{p}step_free": True})
        if self.programme is not None:
            q &= Q(**{f"{p}programme": self.programme})
        # Lists of codes are stored as JSON arrays; a quoted code matches one whole element on every database
        # (codes are validated to letters, digits and '-', so they contain no quotes).
        if self.language:
            q &= Q(**{f"{p}languages__icontains": f'"{self.language}"'})
        if self.target_group:
            q &= Q(**{f"{p}target_groups__icontains": f'"{self.target_group}"'})
        if self.q:
            for word in self.q.split()[:8]:
                q &= (
                    Q(**{f"{p}title__icontains": word})
                    | Q(**{f"{p}description__icontains": word})
                    | Q(**{f"{p}organisation__name__icontains": word})
                    | Q(**{f"{p}venue_name__icontains": word})
                )
        return q


def public_events(city) -> QuerySet[Event]:
    return (
        Event.objects.filter(city=city, status__in=PUBLIC_STATUSES)
        .select_related("organisation", "programme", "neighbourhood__district", "city")
        .defer(*OUTLINES)
    )


def list_scope(city_id: int) -> str:
    """The list cache scope of a city's public events (quartier/core/listcache.py)."""
    return f"events:{city_id}"


def occurrence_rows(*, city, filters: EventFilters) -> QuerySet[EventOccurrence]:
    """The stored occurrences of public events that match, beginning in the filters' window, by start time.

    Filtering, ordering, counting and paging all happen in the database: slice the result for one page, after
    choosing the columns with `for_cards` or `.values()`.
    """
    start, end = filters.window()
    rows = EventOccurrence.objects.filter(city=city, start__gte=start, start__lt=end)
    conditions = filters.conditions("event__")
    if conditions:
        # Repeating the city on the event lets PostgreSQL narrow events by their city index before a filter that
        # no index serves (JSON lists, words); without it, with ten cities, it scanned all 200,000 events. Without
        # event filters it would only cost a join, so the window alone is counted from the occurrence index.
        rows = rows.filter(conditions, event__city=city)
    return rows.order_by("start", "event_id")


# What an event card in a list shows: loading only these columns halves the time of a list page.
CARD_FIELDS = (
    "id",
    "slug",
    "title",
    "type",
    "status",
    "cancel_reason",
    "online",
    "venue_name",
    "is_demo",
    "neighbourhood__name",
    "organisation__name",
)


def for_cards(rows: QuerySet[EventOccurrence]) -> QuerySet[EventOccurrence]:
    return rows.select_related("event__neighbourhood", "event__organisation").only(
        "start", "end", *(f"event__{name}" for name in CARD_FIELDS)
    )


def as_occurrences(rows) -> list[Occurrence]:
    return [Occurrence(row.event, row.start.astimezone(BERLIN), row.end.astimezone(BERLIN)) for row in rows]


# What a VEVENT shows (ical.py) and its URL needs; loading only these columns halves the time of a large feed.
FEED_FIELDS = (
    "slug",
    "updated_at",
    "start",
    "end",
    "title",
    "description",
    "status",
    "type",
    "online",
    "online_url",
    "venue_name",
    "venue_street",
    "venue_postal_code",
    "latitude",
    "longitude",
    "recurrence",
    "recurrence_until",
    "exceptions",
    "organisation__name",
    "organisation__email",
    "neighbourhood__name",
    "city__name",
)


def feed_events(*, city, filters: EventFilters) -> QuerySet[Event]:
    """Each public event with an occurrence that matches, once, by its first occurrence."""
    matching = occurrence_rows(city=city, filters=filters).values("event_id")
    return (
        Event.objects.filter(city=city, status__in=PUBLIC_STATUSES, pk__in=matching)
        .select_related("organisation", "neighbourhood", "city")
        .only(*FEED_FIELDS)
        .order_by("start", "pk")
    )


def public_occurrences(*, city, filters: EventFilters) -> list[Occurrence]:
    """All matching occurrences (for small sets such as one programme; lists page `occurrence_rows` instead)."""
    rows = occurrence_rows(city=city, filters=filters).select_related(
        "event__organisation", "event__programme", "event__neighbourhood__district", "event__city"
    )
    return as_occurrences(rows.defer(*(f"event__{outline}" for outline in OUTLINES)))


def public_event(city, pk: int) -> Event | None:
    return public_events(city).filter(pk=pk).first()


def public_programmes(city) -> QuerySet[Programme]:
    return Programme.objects.filter(city=city).prefetch_related("districts").order_by("-starts_on", "title")


def public_programme(city, slug: str) -> Programme | None:
    return public_programmes(city).filter(slug=slug).first()


@dataclass
class EventMap:
    """The Stadtteile with coming public events and how many occurrences each has; online ones apart."""

    rows: list[tuple[Neighbourhood, int]]
    online: int

    @property
    def total(self) -> int:
        return self.online + sum(n for _neighbourhood, n in self.rows)


def event_map(*, city) -> EventMap:
    """The coming public occurrences (the default window) counted by Stadtteil, the Stadtteile by name."""
    coming = occurrence_rows(city=city, filters=EventFilters())
    counts = {
        r["event__neighbourhood_id"]: r["n"]
        for r in coming.order_by().values("event__neighbourhood_id").annotate(n=Count("id"))
    }
    online = counts.pop(None, 0)
    rows = [
        (n, counts[n.pk])
        for n in Neighbourhood.objects.defer("boundary").filter(city=city, pk__in=counts).order_by("name")
    ]
    return EventMap(rows=rows, online=online)


def current_programmes(city, *, district=None, limit: int = 3) -> list[Programme]:
    """Programmes that have not ended and are published (they have at least one public event), soonest first;
    for a district, those of that district and those for the whole city (no districts)."""
    qs = Programme.objects.filter(city=city, ends_on__gte=timezone.localdate()).filter(
        pk__in=Event.objects.filter(city=city, status__in=PUBLIC_STATUSES, programme__isnull=False).values(
            "programme_id"
        )
    )
    if district is not None:
        qs = qs.filter(Q(districts=district) | Q(districts__isnull=True))
    return list(qs.distinct().order_by("starts_on", "title")[:limit])


def coming_occurrences(*, city, district=None, neighbourhood=None, limit: int = 5) -> list[Occurrence]:
    """The next few public occurrences in a district or Stadtteil (for their pages), one bounded query."""
    filters = EventFilters(
        districts=[district.pk] if district is not None else [],
        neighbourhoods=[neighbourhood.pk] if neighbourhood is not None else [],
    )
    return as_occurrences(for_cards(occurrence_rows(city=city, filters=filters))[:limit])


def by_next_date(events: QuerySet[Event], now: datetime | None = None) -> QuerySet[Event]:
    """Events in the order of work: those still to come by their next date (the next stored occurrence of a public
    event, else the event's own start, so drafts sit among them by their date), then the past ones, latest first."""
    now = now or timezone.now()
    next_occurrence = (
        EventOccurrence.objects.filter(event=OuterRef("pk"), start__gte=now)
        .order_by("start")
        .values("start")[:1]
    )
    own_start = Case(When(start__gte=now, then=F("start")))
    return events.annotate(next_date=Coalesce(Subquery(next_occurrence), own_start)).order_by(
        F("next_date").asc(nulls_last=True), F("start").desc(), "-pk"
    )


def district_by_number(city, number: str) -> District | None:
    """A district of the city by its roman numeral, in any case (the API's district filter)."""
    return District.objects.defer("boundary").filter(city=city, number__iexact=number).first()


def programme_by_key(city, key: str) -> Programme | None:
    """A programme by id or slug (the API accepts both)."""
    programmes = Programme.objects.filter(city=city)
    number = as_id(key)
    if number is not None:
        return programmes.filter(pk=number).first()
    return programmes.filter(slug=key[:220]).first()


def workspace_events(user, city) -> QuerySet[Event]:
    """Events a staff member or organiser works on: their organisations' events, and the events they review."""
    qs = (
        Event.objects.filter(city=city)
        .select_related("organisation", "neighbourhood__district")
        .order_by("-updated_at")
    )
    reviewed = work_scope(user, city, district_field="neighbourhood__district")
    if reviewed is None:
        return qs
    # A membership given to oneself counts for nothing.
    own = counting_memberships(user).values("organisation_id")
    return qs.filter(Q(organisation_id__in=own) | reviewed).distinct()


def own_organisation_events(user, city) -> QuerySet[Event]:
    """The events of the organisations the user acts for (memberships that count), in the workspace's scope."""
    return workspace_events(user, city).filter(
        organisation_id__in=counting_memberships(user).values("organisation_id")
    )


def organisation_for_new_event(user, city, pk: int) -> Organisation | None:
    """The organisation a new event is drafted for: one the user acts for, or None."""
    return organisations_acted_for(user, city).filter(pk=pk).first()


def workspace_event(user, city, pk: int) -> Event | None:
    """One event the user works on (workspace_events), or None."""
    return workspace_events(user, city).filter(pk=pk).first()


def registrations_event(user, city, pk: int) -> Event | None:
    """An event taking registrations whose registrations (personal data) the user manages: its organisers and
    reviewers (permissions.can_manage_registrations); a revision under review has none of its own."""
    event = (
        workspace_events(user, city)
        .filter(pk=pk, revision_of__isnull=True)
        .exclude(registration=Event.Registration.NONE)
        .first()
    )
    return event if event is not None and can_manage_registrations(user, event) else None


# --- changes of published events ------------------------------------------------------------------------


def open_revision(event: Event) -> Event | None:
    """The change of a published event that is being prepared or reviewed, if there is one."""
    return event.revisions.filter(status__in=workflow.OPEN_REVISION).first()


def differs(event: Event, name: str, value) -> bool:
    """Whether setting `name` to `value` would change the event (an upload always does; files by name)."""
    current = getattr(event, name)
    if name == "image":
        from django.db.models.fields.files import FieldFile

        if value is not None and value is not False and not isinstance(value, FieldFile):
            return True  # a new upload (the form re-encodes it into a ContentFile)
        return (getattr(value, "name", None) or "") != (current.name or "")
    if hasattr(current, "pk") or hasattr(value, "pk"):
        return getattr(current, "pk", None) != getattr(value, "pk", None)
    return current != value


def revision_differences(revision: Event) -> list[tuple[str, object, object]]:
    """(field label, published value, proposed value) for every field the revision changes."""
    original = revision.revision_of
    rows = []
    for name in (*workflow.NEEDS_REVIEW, *workflow.PUBLISH_AT_ONCE):
        new = getattr(revision, name)
        if differs(original, name, new):
            field = Event._meta.get_field(name)
            label = field.verbose_name
            if field.choices:
                old, new = dict(field.choices).get(getattr(original, name)), dict(field.choices).get(new)
            else:
                old = getattr(original, name)
            rows.append((label, old, new))
    return rows
