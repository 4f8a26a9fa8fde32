"""Occurrences of (recurring) events: weekly or monthly at the same local wall-clock time, minus exceptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, WEEKLY, rrule
from django.utils import timezone

from .models import Event

BERLIN = ZoneInfo("Europe/Berlin")
MAX_OCCURRENCES = 1000
# The occurrences one can choose when registering: at most this many, at most a year ahead.
CHOICE_WINDOW_DAYS = 365
MAX_CHOICES = 60


@dataclass(frozen=True)
class Occurrence:
    event: Event
    start: datetime
    end: datetime


def rule_for(event: Event) -> rrule | None:
    """The dateutil rule in local wall-clock time (naive), so that 18:00 stays 18:00 across DST changes."""
    if event.recurrence == Event.Recurrence.NONE:
        return None
    local_start = event.start.astimezone(BERLIN).replace(tzinfo=None)
    until = datetime.combine(event.recurrence_until, time(23, 59, 59))
    freq = WEEKLY if event.recurrence == Event.Recurrence.WEEKLY else MONTHLY
    return rrule(freq, dtstart=local_start, until=until, count=None, cache=False)


def occurrences(event: Event, start: datetime | None = None, end: datetime | None = None) -> list[Occurrence]:
    """The event's occurrences that begin in [start, end) (both aware datetimes or None)."""
    duration = event.end - event.start
    rule = rule_for(event)
    if rule is None:
        candidates = [event.start.astimezone(BERLIN)]
    else:
        skipped = {date.fromisoformat(d) for d in event.exceptions}
        candidates = []
        for local in rule:
            if len(candidates) >= MAX_OCCURRENCES:
                break
            if local.date() in skipped:
                continue
            candidates.append(local.replace(tzinfo=BERLIN))
    return [
        Occurrence(event, begin, (begin.astimezone(ZoneInfo("UTC")) + duration).astimezone(BERLIN))
        for begin in candidates
        if (start is None or begin >= start) and (end is None or begin < end)
    ]


def day_bounds(day: date) -> tuple[datetime, datetime]:
    begin = datetime.combine(day, time(0), tzinfo=BERLIN)
    return begin, datetime.combine(day + timedelta(days=1), time(0), tzinfo=BERLIN)


def upcoming_occurrences(event: Event) -> list[Occurrence]:
    """The occurrences one can still register for, soonest first (at most a year ahead)."""
    now = timezone.now()
    return occurrences(event, now, now + timedelta(days=CHOICE_WINDOW_DAYS))[:MAX_CHOICES]


def occurrence_key(start: datetime) -> str:
    """How an occurrence is named in links (?termin=) and forms: ISO 8601 in Europe/Berlin."""
    return start.astimezone(BERLIN).isoformat()


def parse_occurrence_key(value: str) -> datetime | None:
    """The aware datetime of an ?termin= value (naive means Berlin time), or None if it is not one."""
    if not value or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "+"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=BERLIN)


def date_key(start: datetime) -> str:
    """How a date is named in the workspace URLs: Berlin wall-clock time to the minute, e.g. 2027-09-04T1500."""
    return start.astimezone(BERLIN).strftime("%Y-%m-%dT%H%M")
