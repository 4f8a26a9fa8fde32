"""Query-count guards on every events list page and list endpoint: the same number of queries for a few rows as for
many (each added event with its own organisation, Stadtteil and programme), so an N+1 fails the test."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quartier.events import services
from quartier.events.models import Event, Programme, Registration
from quartier.events.occurrences import BERLIN, date_key
from quartier.events.registration_services import registration_create
from quartier.organisations.models import Organisation
from quartier.places.models import District, Neighbourhood

from .conftest import draft

H = {"HTTP_HOST": "127.0.0.1"}
START = datetime(2027, 9, 4, 15, 0, tzinfo=BERLIN)
MANY = 8


def _published(event: Event) -> Event:
    """Published directly (the workflow is tested elsewhere), with its occurrence rows."""
    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
    event.refresh_from_db()
    services.event_occurrences_sync(event=event)
    return event


def add_events(essen, organiser, n: int, *, first: int = 0) -> list[Event]:
    """`n` public events in Stadtbezirk III, each with its own organisation, Stadtteil and programme, weekly in
    September 2027 (so each has several occurrences), one of them cancelled."""
    district = District.objects.get(city=essen, number="III")
    neighbourhoods = list(Neighbourhood.objects.filter(city=essen, district=district).order_by("pk"))
    made = []
    for i in range(first, first + n):
        organisation = Organisation.objects.create(
            city=essen, name=f"Verein {i} (Demo)", slug=f"verein-{i}-demo", kind="association", is_demo=True
        )
        organisation.members.create(user=organiser)
        programme = Programme.objects.create(
            city=essen,
            title=f"Programm {i} (Demo)",
            slug=f"programm-{i}",
            starts_on=date(2027, 9, 1),
            ends_on=date(2027, 9, 30),
        )
        programme.districts.set([district])
        start = START + timedelta(days=i % 7, hours=i % 5)
        event = _published(
            draft(
                organiser,
                organisation,
                title=f"Treffen {i} (Demo)",
                start=start,
                end=start + timedelta(hours=2),
                recurrence="weekly",
                recurrence_until=date(2027, 9, 30),
                neighbourhood=neighbourhoods[i % len(neighbourhoods)],
                programme=programme,
                languages=["de", "tr"],
                target_groups=["families"],
            )
        )
        made.append(event)
    if made and first == 0:
        Event.objects.filter(pk=made[0].pk).update(status=Event.Status.CANCELLED, cancel_reason="Demo")
    return made


def _count(client, url: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **H)
    assert response.status_code == 200, url
    return len(queries), response.content


def assert_same_count(client, url: str, grow, django_assert_num_queries, *, shows) -> None:
    """`url` costs as many queries after `grow()` added rows as before, and shows what `shows()` names."""
    client.get(url, **H)  # per-process caches (places, the map) are warmed by the first request
    few, _content = _count(client, url)
    grow()
    with django_assert_num_queries(few):
        response = client.get(url, **H)
    assert response.status_code == 200
    for text in shows():
        assert text.encode() in response.content, text


@pytest.fixture
def public_client(client):
    """A visitor with a cookie: the list page is then built for them, not taken from the shared page cache."""
    client.cookies["django_language"] = "de"
    return client


@pytest.fixture
def grown(essen, organiser):
    made = add_events(essen, organiser, 1)
    return {"made": made, "grow": lambda: made.extend(add_events(essen, organiser, MANY, first=len(made)))}


def _titles(grown):
    return lambda: [e.title for e in grown["made"][1:]]


PUBLIC_LISTS = [
    "/de/veranstaltungen/?start=2027-09-01&end=2027-09-30",
    "/de/veranstaltungen/",
    "/de/veranstaltungen/karte/",
    "/api/v1/cities/essen/events?from=2027-09-01&to=2027-10-01",
    "/api/v1/cities/essen/programmes",
    "/api/v1/cities/essen/events.ics?from=2027-09-01&to=2027-10-01",
]


@pytest.mark.parametrize("url", PUBLIC_LISTS)
def test_public_lists_and_endpoints_cost_the_same_for_few_and_many(
    public_client, grown, url, django_assert_num_queries
):
    if "karte" in url:  # the map names the Stadtteile with events, and counts them
        shows = lambda: sorted({e.neighbourhood.name for e in grown["made"]})  # noqa: E731
    elif "programmes" in url:
        shows = lambda: [e.programme.slug for e in grown["made"][1:]]  # noqa: E731
    else:
        shows = _titles(grown)
    assert_same_count(public_client, url, grown["grow"], django_assert_num_queries, shows=shows)


def test_programme_page_costs_the_same_for_few_and_many(
    public_client, essen, organiser, grown, django_assert_num_queries
):
    programme = grown["made"][0].programme
    more = []

    def grow():
        more.extend(add_events(essen, organiser, MANY, first=100))
        Event.objects.filter(pk__in=[e.pk for e in more]).update(programme=programme)

    assert_same_count(
        public_client,
        f"/de/programme/{programme.slug}/",
        grow,
        django_assert_num_queries,
        shows=lambda: [e.title for e in more],
    )


def test_workspace_event_list_costs_the_same_for_few_and_many(
    client, grown, coordinator_iii, django_assert_num_queries
):
    client.force_login(coordinator_iii)
    assert_same_count(
        client,
        "/de/arbeitsbereich/veranstaltungen/",
        grown["grow"],
        django_assert_num_queries,
        shows=_titles(grown),
    )


def test_workspace_event_list_of_an_organiser_costs_the_same_for_few_and_many(
    client, grown, organiser, django_assert_num_queries
):
    client.force_login(organiser)
    assert_same_count(
        client,
        "/de/arbeitsbereich/veranstaltungen/",
        grown["grow"],
        django_assert_num_queries,
        shows=_titles(grown),
    )


@pytest.fixture
def registrable(organiser, organisation):
    event = _published(
        draft(
            organiser,
            organisation,
            registration="limited",
            capacity=200,
            start=START,
            end=START + timedelta(hours=2),
            recurrence="weekly",
            recurrence_until=date(2027, 10, 30),
        )
    )
    registration_create(
        event=event,
        occurrence_start=START,
        name="Erste Person",
        email="erste-demo@example.org",
        people=1,
        cancel_url_for=lambda token: f"https://example.org/de/anmeldung/{token}/",
    )
    return event


def _register_many(event):
    names = []
    for week in range(5):
        for i in range(MANY):
            name = f"Person {week}-{i}"
            registration_create(
                event=event,
                occurrence_start=START + timedelta(weeks=week),
                name=name,
                email=f"p{week}-{i}-demo@example.org",
                people=1 + i % 3,
                cancel_url_for=lambda token: f"https://example.org/de/anmeldung/{token}/",
            )
            names.append(name)
    Registration.objects.filter(name="Person 0-1").update(status=Registration.Status.CANCELLED)
    return names


def test_registrations_pages_cost_the_same_for_few_and_many(
    client, organiser, registrable, django_assert_num_queries
):
    client.force_login(organiser)
    base = f"/de/arbeitsbereich/veranstaltungen/{registrable.pk}/anmeldungen/"
    names = []
    assert_same_count(
        client,
        base,
        lambda: names.extend(_register_many(registrable)),
        django_assert_num_queries,
        shows=lambda: [date_key(START + timedelta(weeks=4))],
    )
    more = []
    assert_same_count(
        client,
        f"{base}{date_key(START)}/",
        lambda: more.extend(_register_many_more(registrable)),
        django_assert_num_queries,
        shows=lambda: ["Person 0-2", *more],
    )


def _register_many_more(event):
    names = [f"Weitere Person {i}" for i in range(MANY)]
    for i, name in enumerate(names):
        registration_create(
            event=event,
            occurrence_start=START,
            name=name,
            email=f"weitere-{i}-demo@example.org",
            people=1,
            cancel_url_for=lambda token: f"https://example.org/de/anmeldung/{token}/",
        )
    return names
