"""Reads of events: the public sees published and cancelled events; filters; occurrences in a date range."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Event, Programme
from .occurrences import BERLIN, Occurrence, occurrences

PUBLIC_STATUSES = (Event.Status.PUBLISHED, Event.Status.CANCELLED)
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

    def apply(self, events: QuerySet[Event]) -> QuerySet[Event]:
        start, end = self.window()
        # An event can have occurrences in the window when it starts before the window ends and either starts
        # (one-off) or repeats into the window.
        events = events.filter(start__lt=end).filter(
            Q(recurrence=Event.Recurrence.NONE, start__gte=start) | Q(recurrence_until__gte=start.date())
        )
        if self.districts:
            events = events.filter(neighbourhood__district_id__in=self.districts)
        if self.neighbourhoods:
            events = events.filter(neighbourhood_id__in=self.neighbourhoods)
        if self.types:
            events = events.filter(type__in=self.types)
        if self.free is not None:
            events = events.filter(is_free=self.free)
        if self.step_free:
            events = events.filter(step_free=True)
        if self.programme is not None:
            events = events.filter(programme=self.programme)
        if self.q:
            for word in self.q.split()[:8]:
                events = events.filter(
                    Q(title__icontains=word)
                    | Q(description__icontains=word)
                    | Q(organisation__name__icontains=word)
                    | Q(venue_name__icontains=word)
                )
        return events


def _json_filters(events: list[Event], filters: EventFilters) -> list[Event]:
    # JSON list membership is filtered in Python: portable across SQLite and PostgreSQL, and the candidate set
    # is already narrowed by city, status and date.
    if filters.language:
        events = [e for e in events if filters.language in e.languages]
    if filters.target_group:
        events = [e for e in events if filters.target_group in e.target_groups]
    return events


def public_events(city) -> QuerySet[Event]:
    return Event.objects.filter(city=city, status__in=PUBLIC_STATUSES).select_related(
        "organisation", "programme", "neighbourhood__district", "city"
    )


def public_occurrences(*, city, filters: EventFilters) -> list[Occurrence]:
    """Occurrences of the public events that match, starting in the filters' window, by start time."""
    start, end = filters.window()
    events = _json_filters(list(filters.apply(public_events(city))), filters)
    found = [o for e in events for o in occurrences(e, start, end)]
    found.sort(key=lambda o: (o.start, o.event.pk))
    return found


def public_event(city, pk: int) -> Event | None:
    return public_events(city).filter(pk=pk).first()


def public_programmes(city) -> QuerySet[Programme]:
    return Programme.objects.filter(city=city).prefetch_related("districts").order_by("-starts_on", "title")


def programme_by_key(city, key: str) -> Programme | None:
    """A programme by id or slug (the API accepts both)."""
    programmes = Programme.objects.filter(city=city)
    if key.isdigit():
        return programmes.filter(pk=int(key)).first()
    return programmes.filter(slug=key[:220]).first()


def workspace_events(user, city) -> QuerySet[Event]:
    """Events a staff member or organiser works on: their organisations' events, and the events they review."""
    from quartier.accounts.models import Role
    from quartier.accounts.permissions import district_ids_for, is_platform_admin, roles_in
    from quartier.places.models import District

    qs = (
        Event.objects.filter(city=city)
        .select_related("organisation", "neighbourhood__district")
        .order_by("-updated_at")
    )
    roles = roles_in(user, city)
    if is_platform_admin(user) or Role.CITY_ADMIN in roles:
        return qs
    scope = Q(organisation__members__user=user)
    own = district_ids_for(user, city, roles={Role.COORDINATOR})
    if own:
        scope |= Q(neighbourhood__district_id__in=own)
    if Role.FALLBACK in roles:
        with_coordinator = District.objects.filter(
            city=city, memberships__role=Role.COORDINATOR, memberships__user__is_active=True
        ).values("pk")
        scope |= Q(neighbourhood__isnull=True) | ~Q(neighbourhood__district_id__in=with_coordinator)
    return qs.filter(scope).distinct()
