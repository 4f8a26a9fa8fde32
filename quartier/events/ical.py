"""iCalendar (RFC 5545) for events: events in, bytes out. Local times with a VTIMEZONE for Europe/Berlin."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Timezone, vRecur
from icalendar import Event as VEvent

from .models import Event
from .occurrences import BERLIN

PRODID = "-//Quartier//Veranstaltungen//DE"

# Europe/Berlin by the EU rule in force since 1996, as calendar programs write it. A rule-based VTIMEZONE is
# valid for every future year; generated lists of transitions end somewhere and then silently lose DST.
BERLIN_VTIMEZONE = "\r\n".join(
    [
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Berlin",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "TZNAME:CEST",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "TZNAME:CET",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
        "",
    ]
)


def _location(event: Event) -> str:
    if event.online:
        return event.online_url or "online"
    parts = [
        event.venue_name,
        event.venue_street,
        f"{event.venue_postal_code} {event.city.name}".strip(),
        event.neighbourhood.name if event.neighbourhood_id else "",
    ]
    return ", ".join(p for p in parts if p)


def calendar_for(events: Iterable[Event], *, name: str, url_for, host: str) -> bytes:
    """A VCALENDAR with one VEVENT per event (recurring ones with RRULE and EXDATE)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Berlin")
    cal.add_component(Timezone.from_ical(BERLIN_VTIMEZONE))
    stamp = timezone.now().astimezone(ZoneInfo("UTC"))
    for event in events:
        vevent = VEvent()
        vevent.add("uid", f"event-{event.pk}@{host}")
        vevent.add("dtstamp", stamp)
        vevent.add("last-modified", event.updated_at.astimezone(ZoneInfo("UTC")))
        vevent.add("dtstart", event.start.astimezone(BERLIN))
        vevent.add("dtend", event.end.astimezone(BERLIN))
        vevent.add("summary", event.title)
        vevent.add("description", event.description)
        vevent.add("location", _location(event))
        vevent.add("url", url_for(event))
        vevent.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
        vevent.add("categories", [event.get_type_display()])
        vevent.add(
            "organizer",
            f"mailto:{event.organisation.email}" if event.organisation.email else "mailto:noreply@invalid",
            parameters={"CN": event.organisation.name},
        )
        if event.latitude is not None:
            vevent.add("geo", (event.latitude, event.longitude))
        if event.recurrence != Event.Recurrence.NONE:
            until = datetime.combine(event.recurrence_until, time(23, 59, 59), tzinfo=BERLIN).astimezone(
                ZoneInfo("UTC")
            )
            vevent.add("rrule", vRecur({"FREQ": event.recurrence.upper(), "UNTIL": until}))
            local_start = event.start.astimezone(BERLIN)
            for day in sorted(event.exceptions):
                skipped = datetime.combine(
                    datetime.fromisoformat(day).date(),
                    local_start.timetz().replace(tzinfo=None),
                    tzinfo=BERLIN,
                )
                vevent.add("exdate", skipped)
        cal.add_component(vevent)
    return cal.to_ical()
