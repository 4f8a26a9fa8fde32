"""Occurrences and the iCalendar output: local time across DST changes, exceptions, cancellations, and
output that independent parsers (icalendar, vobject) read the same way."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import vobject
from dateutil.rrule import rrulestr

from quartier.events import services
from quartier.events.ical import calendar_for
from quartier.events.models import Event
from quartier.events.occurrences import occurrences
from tests.events.conftest import draft

BERLIN = ZoneInfo("Europe/Berlin")


def weekly_over_dst(organiser, organisation):
    # Thursdays 18:00 from 2027-03-11 to 2027-04-08; DST starts on 2027-03-28.
    start = datetime(2027, 3, 11, 18, 0, tzinfo=BERLIN)
    return draft(
        organiser,
        organisation,
        title="Sprachcafé (Demo)",
        type="meeting",
        start=start,
        end=start + timedelta(hours=2),
        recurrence="weekly",
        recurrence_until=date(2027, 4, 8),
        exceptions=["2027-03-25"],
    )


def test_weekly_occurrences_keep_local_time_across_dst(essen, organiser, organisation):
    event = weekly_over_dst(organiser, organisation)
    starts = [o.start for o in occurrences(event)]
    assert [s.date().isoformat() for s in starts] == ["2027-03-11", "2027-03-18", "2027-04-01", "2027-04-08"]
    assert all(s.hour == 18 and s.minute == 0 for s in starts)
    assert starts[0].utcoffset() == timedelta(hours=1) and starts[-1].utcoffset() == timedelta(hours=2)
    assert all(o.end - o.start == timedelta(hours=2) for o in occurrences(event))


def test_occurrences_in_a_half_open_range(essen, organiser, organisation):
    event = weekly_over_dst(organiser, organisation)
    begin, end = datetime(2027, 3, 18, 18, 0, tzinfo=BERLIN), datetime(2027, 4, 8, 18, 0, tzinfo=BERLIN)
    assert [o.start.day for o in occurrences(event, begin, end)] == [18, 1]


def test_monthly_occurrences(essen, organiser, organisation):
    start = datetime(2027, 1, 15, 10, 0, tzinfo=BERLIN)
    event = draft(
        organiser,
        organisation,
        start=start,
        end=start + timedelta(hours=1),
        recurrence="monthly",
        recurrence_until=date(2027, 6, 30),
    )
    assert [o.start.month for o in occurrences(event)] == [1, 2, 3, 4, 5, 6]


def ics(events):
    return calendar_for(
        events, name="Test", url_for=lambda e: f"https://example.org/e/{e.pk}/", host="example.org"
    )


def test_ical_parses_in_two_independent_parsers_with_the_same_local_times(essen, organiser, organisation):
    event = weekly_over_dst(organiser, organisation)
    body = ics([event])
    assert b"BEGIN:VTIMEZONE" in body and b"TZID:Europe/Berlin" in body
    parsed = icalendar.Calendar.from_ical(body)
    (vevent,) = parsed.walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{event.pk}@example.org"
    assert vevent.decoded("DTSTART") == datetime(2027, 3, 11, 18, 0, tzinfo=BERLIN)
    v = vobject.readOne(body.decode())
    vv = v.vevent
    assert vv.dtstart.value.hour == 18 and vv.dtstart.value.utcoffset() == timedelta(hours=1)
    # Expand the RRULE with its EXDATE as a client would, from vobject's own reading.
    expanded = list(vv.getrruleset())
    assert [d.date().isoformat() for d in expanded] == [
        "2027-03-11",
        "2027-03-18",
        "2027-04-01",
        "2027-04-08",
    ]
    assert all(d.astimezone(BERLIN).hour == 18 for d in expanded)
    assert expanded[-1].utcoffset() == timedelta(hours=2)
    rule = rrulestr(str(vevent["RRULE"].to_ical().decode()), dtstart=vevent.decoded("DTSTART"))
    assert rule[0] == datetime(2027, 3, 11, 18, 0, tzinfo=BERLIN)


def test_cancelled_events_say_so(essen, organiser, organisation, coordinator_iii):
    event = draft(organiser, organisation)
    event = services.event_transition(actor=organiser, event=event, to_status=Event.Status.SUBMITTED)
    event = services.event_transition(actor=coordinator_iii, event=event, to_status=Event.Status.PUBLISHED)
    event = services.event_transition(
        actor=organiser, event=event, to_status=Event.Status.CANCELLED, message="Regen"
    )
    (vevent,) = icalendar.Calendar.from_ical(ics([event])).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert vobject.readOne(ics([event]).decode()).vevent.status.value == "CANCELLED"


def test_text_with_special_characters_round_trips(essen, organiser, organisation):
    event = draft(
        organiser, organisation, title="Fest; Musik, Tanz \\ und „Essen“ 🎉", description="Zeile 1\nZeile 2"
    )
    v = vobject.readOne(ics([event]).decode()).vevent
    assert v.summary.value == event.title and v.description.value == "Zeile 1\nZeile 2"
    assert all(len(line) <= 75 for line in ics([event]).split(b"\r\n"))


def test_hostile_and_long_text_round_trips_in_both_parsers(essen, organiser, organisation):
    """The writer is hand-made for speed: both independent parsers must read back exactly what was written."""
    organisation.name = 'Verein "Brücke"; Köln:Essen, e. V.\nZweite Zeile'
    organisation.email = "kontakt@example.org"
    organisation.save()
    long_arabic = "مقهى اللغة للجميع في الحي " * 20
    event = draft(
        organiser,
        organisation,
        title="Ünïcödé " + "ß" * 100 + " 🎉" * 30,
        description=f"{long_arabic}\r\nZeile mit CR\rund\tTab\x07\x1b Ende\\n bleibt wörtlich",
        venue_name="Haus; Raum 1, EG",
    )
    body = ics([event])
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    assert b"\x07" not in body and b"\x1b" not in body  # PostgreSQL refuses NUL before it gets here
    body.decode("utf-8")  # folding never cuts a character in two
    expected_description = f"{long_arabic}\nZeile mit CR\nund\tTab Ende\\n bleibt wörtlich"
    (parsed,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(parsed["SUMMARY"]) == event.title
    assert str(parsed["DESCRIPTION"]) == expected_description
    assert str(parsed["LOCATION"]).startswith("Haus; Raum 1, EG")
    assert parsed["ORGANIZER"].params["CN"] == "Verein 'Brücke'; Köln:Essen, e. V. Zweite Zeile"
    v = vobject.readOne(body.decode()).vevent
    assert v.summary.value == event.title and v.description.value == expected_description
    assert v.organizer.value == "mailto:kontakt@example.org"


def test_feed_of_many_events_parses_with_every_uid_once(essen, organiser, organisation):
    events = [
        draft(
            organiser,
            organisation,
            title=f"Treffen {i}",
            start=datetime(2027, 5, 1, 10, tzinfo=BERLIN) + timedelta(days=i),
            end=datetime(2027, 5, 1, 12, tzinfo=BERLIN) + timedelta(days=i),
        )
        for i in range(30)
    ]
    body = ics(events)
    uids = [str(v["UID"]) for v in icalendar.Calendar.from_ical(body).walk("VEVENT")]
    assert sorted(uids) == sorted(f"event-{e.pk}@example.org" for e in events)
    assert len(list(vobject.readOne(body.decode()).vevent_list)) == 30
