"""Public event pages, the events API and the feeds, with filters and invalid input."""

import json
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.test import override_settings

from quartier.events import services
from quartier.events.models import Event, Programme
from quartier.places.models import District, Neighbourhood
from tests.events.conftest import draft

BERLIN = ZoneInfo("Europe/Berlin")
H = {"HTTP_HOST": "127.0.0.1"}
API = "/api/v1/cities/essen"
S = Event.Status


def publish(event, organiser, reviewer):
    event = services.event_transition(actor=organiser, event=event, to_status=S.SUBMITTED)
    return services.event_transition(actor=reviewer, event=event, to_status=S.PUBLISHED)


@pytest.fixture
def programme(essen):
    p = Programme.objects.create(
        city=essen,
        title="Begegnungen im September 2027 – Stadtbezirk III (Demo)",
        slug="begegnungen-2027",
        starts_on=date(2027, 9, 1),
        ends_on=date(2027, 9, 30),
    )
    p.districts.set([District.objects.get(city=essen, number="III")])
    return p


@pytest.fixture
def events(essen, organiser, organisation, coordinator_iii, programme):
    start = datetime(2027, 9, 4, 15, 0, tzinfo=BERLIN)
    open_day = publish(
        draft(organiser, organisation, programme=programme, start=start, end=start + timedelta(hours=3)),
        organiser,
        coordinator_iii,
    )
    cafe_start = datetime(2027, 9, 2, 18, 0, tzinfo=BERLIN)
    cafe = publish(
        draft(
            organiser,
            organisation,
            title="Sprachcafé (Demo)",
            type="meeting",
            start=cafe_start,
            end=cafe_start + timedelta(hours=2),
            recurrence="weekly",
            recurrence_until=date(2027, 9, 30),
            exceptions=["2027-09-16"],
            languages=["de", "tr"],
            is_free=True,
            step_free=True,
            neighbourhood=Neighbourhood.objects.get(city=essen, name="Frohnhausen"),
        ),
        organiser,
        coordinator_iii,
    )
    evening = datetime(2027, 9, 10, 19, 0, tzinfo=BERLIN)
    cancelled = publish(
        draft(
            organiser,
            organisation,
            title="Infoabend (Demo)",
            type="information_evening",
            start=evening,
            end=evening + timedelta(hours=2),
            is_free=False,
            cost="5 Euro",
        ),
        organiser,
        coordinator_iii,
    )
    cancelled = services.event_transition(
        actor=organiser, event=cancelled, to_status=S.CANCELLED, message="Raum fehlt"
    )
    hidden = draft(
        organiser,
        organisation,
        title="Entwurf, nicht öffentlich",
        start=evening,
        end=evening + timedelta(hours=1),
    )
    return {"open_day": open_day, "cafe": cafe, "cancelled": cancelled, "draft": hidden}


SEPT = "from=2027-09-01&to=2027-10-01"


def test_api_lists_occurrences_in_the_window(client, events):
    body = client.get(f"{API}/events?{SEPT}", **H).json()
    titles = [(i["title"], i["start"][:10]) for i in body["items"]]
    assert ("Entwurf, nicht öffentlich", "2027-09-10") not in titles
    cafe_days = [d for t, d in titles if t == "Sprachcafé (Demo)"]
    assert cafe_days == ["2027-09-02", "2027-09-09", "2027-09-23", "2027-09-30"]  # 16th is an exception
    assert body["count"] == 6
    item = next(i for i in body["items"] if i["title"] == "Infoabend (Demo)")
    assert item["status"] == "cancelled"
    assert item["start"] == "2027-09-10T19:00:00+02:00"
    open_day = next(i for i in body["items"] if i["id"] == events["open_day"].pk)
    assert open_day["programme"]["slug"] == "begegnungen-2027"
    assert open_day["neighbourhood"] == {"number": 7, "name": "Altendorf"}
    assert open_day["district"] == {"number": "III", "name": "Stadtbezirk III"}
    assert open_day["url"].endswith(f"/de/veranstaltungen/{events['open_day'].pk}-{events['open_day'].slug}/")
    for key in ("id", "slug", "title", "start", "end", "type", "status", "languages", "url"):
        assert key in open_day


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("district=iii", 6),
        ("district=IV", 0),
        ("neighbourhood=Frohnhausen", 4),
        ("neighbourhood=8", 4),
        ("type=meeting", 4),
        ("language=tr", 4),
        ("free=false", 1),
        ("step_free=true", 4),
        ("programme=begegnungen-2027", 1),
        ("q=sprachcaf", 4),
        ("from=2027-09-09&to=2027-09-10", 1),
        ("from=2027-09-02T18:00:00%2B02:00&to=2027-09-02T18:00:01%2B02:00", 1),
    ],
)
def test_api_filters(client, events, query, expected):
    q = query if "from=" in query else f"{SEPT}&{query}"
    body = client.get(f"{API}/events?{q}", **H).json()
    assert body["count"] == expected, body


@pytest.mark.parametrize(
    "query",
    [
        "from=gestern",
        "to=2027-13-01",
        "from=2027-09-10&to=2027-09-01",
        "district=XL",
        "neighbourhood=Atlantis",
        "type=party",
        "language=%3Cscript%3E",
        "free=vielleicht",
        "programme=nope",
        "page_size=1000",
        "q=" + "x" * 300,
    ],
)
def test_api_invalid_filters_are_422(client, events, query):
    r = client.get(f"{API}/events?{query}", **H)
    assert r.status_code == 422 and isinstance(r.json()["detail"], list)


def test_api_single_event_and_programmes(client, events, programme):
    e = events["open_day"]
    assert client.get(f"{API}/events/{e.pk}", **H).json()["title"] == e.title
    assert client.get(f"{API}/events/{events['draft'].pk}", **H).status_code == 404
    assert client.get(f"{API}/events/999999", **H).status_code == 404
    body = client.get(f"{API}/programmes", **H).json()
    assert body["items"][0] == {
        "id": programme.pk,
        "slug": "begegnungen-2027",
        "title": programme.title,
        "starts_on": "2027-09-01",
        "ends_on": "2027-09-30",
        "districts": ["III"],
        "url": "http://127.0.0.1/de/programme/begegnungen-2027/",
    }


def test_feed_has_every_matching_event_once_with_its_id_in_the_uid(client, events):
    r = client.get(f"{API}/events.ics?{SEPT}&district=III", **H)
    assert r["Content-Type"].startswith("text/calendar")
    vevents = icalendar.Calendar.from_ical(r.content).walk("VEVENT")
    uids = sorted(str(v["UID"]) for v in vevents)
    assert len(uids) == 3
    assert all(re.match(r"event-\d+@127\.0\.0\.1", u) for u in uids)
    assert f"event-{events['cafe'].pk}@127.0.0.1" in uids
    assert client.get(f"{API}/events.ics?from=kaputt", **H).status_code == 422


def test_event_page_with_json_ld_ics_and_copy_link(client, events):
    e = events["open_day"]
    r = client.get(f"/de/veranstaltungen/{e.pk}-{e.slug}/", **H)
    page = r.content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["@type"] == "Event" and data["startDate"] == "2027-09-04T15:00:00+02:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert "data-copy-link" in page and f"/de/veranstaltungen/{e.pk}-{e.slug}/kalender.ics" in page
    ics = client.get(f"/de/veranstaltungen/{e.pk}-{e.slug}/kalender.ics", **H)
    assert b"BEGIN:VEVENT" in ics.content
    assert client.get(f"/de/veranstaltungen/{e.pk}-falscher-name/", **H).status_code == 301
    assert client.get(f"/de/veranstaltungen/{events['draft'].pk}-x/", **H).status_code == 404


def test_cancelled_event_page_says_so(client, events):
    e = events["cancelled"]
    page = client.get(f"/de/veranstaltungen/{e.pk}-{e.slug}/", **H).content.decode()
    assert "Diese Veranstaltung ist abgesagt." in page and "Raum fehlt" in page
    assert "EventCancelled" in page


def test_hostile_title_cannot_break_out_of_json_ld(client, essen, organiser, organisation, coordinator_iii):
    e = publish(
        draft(organiser, organisation, title="</script><script>alert(1)</script>"), organiser, coordinator_iii
    )
    page = client.get(f"/de/veranstaltungen/{e.pk}-{e.slug}/", **H).content.decode()
    assert "<script>alert(1)</script>" not in page


def test_event_list_page_filters_and_feed_link(client, events):
    page = client.get(
        "/de/veranstaltungen/?start=2027-09-01&end=2027-09-30&type=meeting", **H
    ).content.decode()
    assert "4 Termine" in page and "Sprachcafé (Demo)" in page and "Infoabend" not in page
    assert "/api/v1/cities/essen/events.ics?" in page and "type=meeting" in page
    bad = client.get("/de/veranstaltungen/?start=2027-09-30&end=2027-09-01", **H)
    assert bad.status_code == 400
    assert client.get("/de/veranstaltungen/?district=999999", **H).status_code == 400


def test_programme_page(client, events, programme):
    page = client.get("/de/programme/begegnungen-2027/", **H).content.decode()
    assert programme.title in page and "1 Termin" in page
    assert client.get("/de/programme/gibt-es-nicht/", **H).status_code == 404


def test_programme_pdf_download(client, events, programme):
    r = client.get("/de/programme/begegnungen-2027/programm.pdf", **H)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    assert client.get("/de/programme/nope/programm.pdf", **H).status_code == 404


def test_map_view_highlights_stadtteile_with_events(client, events):
    page = client.get("/de/veranstaltungen/karte/", **H).content.decode()
    assert page.count("is-marked") >= 1
    # Having events is not "the user's location": no area is aria-current, and the legend explains the colours.
    assert 'aria-current="location"' not in page and "is-selected" not in page
    assert "mit Veranstaltungen" in page and "Die Farben zeigen die Stadtbezirke" not in page
    assert "Frohnhausen</a>:" in page or "Altendorf</a>:" in page


def test_api_pages_are_cut_in_the_database_and_link_to_the_next(client, events):
    first = client.get(f"{API}/events?{SEPT}&page_size=4", **H).json()
    assert first["count"] == 6 and len(first["items"]) == 4
    assert "page=2" in first["next"] and "page_size=4" in first["next"] and "from=2027-09-01" in first["next"]
    second = client.get(first["next"].removeprefix("http://127.0.0.1"), **H).json()
    assert len(second["items"]) == 2 and second["next"] is None
    starts = [i["start"] for i in first["items"] + second["items"]]
    assert starts == sorted(starts)
    beyond = client.get(f"{API}/events?{SEPT}&page=99", **H).json()
    assert beyond == {"items": [], "count": 6, "next": None}


def test_language_filter_matches_whole_codes_only(client, events, organiser, organisation, coordinator_iii):
    start = datetime(2027, 9, 20, 10, tzinfo=BERLIN)
    publish(
        draft(organiser, organisation, start=start, end=start + timedelta(hours=1), languages=["tr-CY"]),
        organiser,
        coordinator_iii,
    )
    assert client.get(f"{API}/events?{SEPT}&language=tr", **H).json()["count"] == 4
    assert client.get(f"{API}/events?{SEPT}&language=tr-CY", **H).json()["count"] == 1


def test_list_page_has_pages_that_keep_the_filters(client, events, monkeypatch):
    from quartier.events.views import public

    monkeypatch.setattr(public, "PAGE_SIZE", 4)
    url = "/de/veranstaltungen/?start=2027-09-01&end=2027-09-30"
    page = client.get(url, **H).content.decode()
    assert "6 Termine" in page and "Seite 1 von 2: Termine 1 bis 4" in page
    assert 'rel="next" href="?start=2027-09-01&amp;end=2027-09-30&amp;page=2"' in page
    assert 'rel="prev"' not in page
    second = client.get(url + "&page=2", **H).content.decode()
    assert (
        "Seite 2 von 2: Termine 5 bis 6" in second and 'rel="prev"' in second and 'rel="next"' not in second
    )
    # A malformed or too large page number shows the first or the last page, never an error.
    for bad in ("abc", "-1", "9" * 5000, "0", "%00"):
        r = client.get(url + "&page=" + bad, **H)
        assert r.status_code == 200, bad
    assert "Seite 2 von 2" in client.get(url + "&page=" + "9" * 20, **H).content.decode()


def test_occurrence_rows_follow_the_workflow(events, organiser, organisation, coordinator_iii):
    from quartier.events.models import EventOccurrence

    cafe = events["cafe"]
    assert EventOccurrence.objects.filter(event=cafe).count() == 4
    assert not EventOccurrence.objects.filter(event=events["draft"]).exists()
    # Cancelled events stay listed (as cancelled); an event sent back to its organiser is not public.
    assert EventOccurrence.objects.filter(event=events["cancelled"]).count() == 1
    submitted = services.event_transition(actor=organiser, event=events["draft"], to_status=S.SUBMITTED)
    assert not EventOccurrence.objects.filter(event=submitted).exists()
    services.event_transition(actor=coordinator_iii, event=submitted, to_status=S.PUBLISHED)
    assert EventOccurrence.objects.filter(event=submitted).count() == 1


def test_rebuild_occurrences_restores_the_rows(events, essen):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from quartier.events.models import EventOccurrence

    before = sorted(EventOccurrence.objects.values_list("event_id", "start"))
    EventOccurrence.objects.all().delete()
    # A bulk change that bypassed the services:
    Event.objects.filter(pk=events["cafe"].pk).update(exceptions=[])
    call_command("rebuild_occurrences", "--city", "essen")
    after = sorted(EventOccurrence.objects.values_list("event_id", "start"))
    assert len(after) == len(before) + 1
    assert set(before) < set(after)
    with pytest.raises(CommandError):
        call_command("rebuild_occurrences", "--city", "atlantis")


def test_feed_is_capped(client, events, monkeypatch):
    from quartier.events import api

    monkeypatch.setattr(api, "FEED_LIMIT", 2)
    r = client.get(f"{API}/events.ics?{SEPT}", **H)
    vevents = icalendar.Calendar.from_ical(r.content).walk("VEVENT")
    # The earliest two events by first occurrence: the café (2 Sep) and the open day (4 Sep).
    assert sorted(str(v["UID"]) for v in vevents) == sorted(
        f"event-{events[k].pk}@127.0.0.1" for k in ("cafe", "open_day")
    )


@override_settings(LIST_CACHE_SECONDS=60)
def test_cached_lists_change_as_soon_as_an_event_is_published(
    client, events, organiser, organisation, coordinator_iii, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    cache.clear()
    assert client.get(f"{API}/events?{SEPT}", **H).json()["count"] == 6
    page_url = "/de/veranstaltungen/?start=2027-09-01&end=2027-09-30"
    assert "6 Termine" in client.get(page_url, **H).content.decode()
    start = datetime(2027, 9, 21, 10, tzinfo=BERLIN)
    with django_capture_on_commit_callbacks(execute=True):
        publish(
            draft(
                organiser, organisation, title="Neu im Kalender", start=start, end=start + timedelta(hours=1)
            ),
            organiser,
            coordinator_iii,
        )
    assert client.get(f"{API}/events?{SEPT}", **H).json()["count"] == 7
    page = client.get(page_url, **H).content.decode()
    assert "7 Termine" in page and "Neu im Kalender" in page
    # A visitor with cookies (a session, messages) gets a page of their own, never a shared one.
    client.cookies["sessionid"] = "x"
    assert "7 Termine" in client.get(page_url, **H).content.decode()
    # Invalid filters are never cached and stay errors.
    assert client.get(f"{API}/events?from=kaputt", **H).status_code == 422
    assert client.get(f"{API}/events?from=kaputt", **H).status_code == 422
    cache.clear()
