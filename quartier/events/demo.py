"""Demo events: the programme "Begegnungen im September" for Stadtbezirk III and a year of other events.

Everything here is fictional and marked as demo (names start with "Demo", is_demo=True), dated relative to the
day the demo is generated.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.text import slugify

from quartier.organisations.models import Organisation
from quartier.places.models import District, Neighbourhood

from .models import Event, EventStep, Programme
from .occurrences import BERLIN
from .services import sync_occurrences

ORGANISATIONS = [
    ("Demo-Kulturverein Brückenschlag e. V.", "association"),
    ("Demo-Frauentreff Sonnenblume", "initiative"),
    ("Demo-Elternnetzwerk Westviertel", "initiative"),
    ("Demo-Migrantenverein Anadolu Köprü e. V.", "migrant_organisation"),
    ("Demo-Ukrainische Gemeinschaft Ruhr e. V.", "migrant_organisation"),
    ("Demo-Syrisch-Deutscher Freundeskreis", "migrant_organisation"),
    ("Demo-Wohlfahrtsverband Stadtteilarbeit", "welfare_association"),
    ("Demo-Familienbildungsstätte Mitte", "education"),
    ("Demo-Sportverein Grün-Weiß 1921", "association"),
    ("Demo-Gemeinde am Markt", "religious_community"),
    ("Demo-Nachbarschaftsinitiative Gartenstadt", "initiative"),
    ("Demo-Bürgerzentrum Am Bach", "other"),
]

TITLES = {
    "open_day": ["Tag der offenen Tür", "Offene Werkstatt", "Hereinspaziert: unser Vereinsheim"],
    "information_evening": [
        "Informationsabend: Schule in Deutschland",
        "Infoabend: Ausbildung und Beruf",
        "Infoabend: Wohnen und Mieten",
    ],
    "meeting": ["Sprachcafé", "Nachbarschaftsfrühstück", "Interkultureller Spieleabend", "Erzählcafé"],
    "forum": ["Forum: Zusammenleben im Quartier", "Forum: Jugend und Freizeit"],
    "specialist_event": ["Fachtag: Mehrsprachigkeit in der Kita", "Fachgespräch: Ehrenamt und Integration"],
    "festival": ["Nachbarschaftsfest", "Fest der Kulturen", "Herbstfest im Park"],
    "course": [
        "Kochkurs: Rezepte aus aller Welt",
        "Nähkurs für Anfängerinnen",
        "Computerkurs für Einsteiger*innen",
    ],
}
LANGUAGES = ["de", "ar", "tr", "uk", "ru", "fa", "en", "pl", "ro", "bg", "ku"]
TARGETS = ["everyone", "newcomers", "families", "children", "youth", "women", "seniors", "volunteers"]


def next_september(today: date) -> date:
    year = today.year if today.month < 9 else today.year + 1
    return date(year, 9, 1)


def _organisations(city, rng: random.Random) -> list[Organisation]:
    districts = list(District.objects.filter(city=city))
    result = []
    for name, kind in ORGANISATIONS:
        org, created = Organisation.objects.get_or_create(
            city=city,
            slug=slugify(name),
            defaults={
                "name": name,
                "kind": kind,
                "is_demo": True,
                "description": "Fiktive Organisation für die Demo-Installation. Alle Angaben sind erfunden.",
            },
        )
        if created:
            org.districts.set(rng.sample(districts, k=rng.randint(1, 3)))
        result.append(org)
    return result


def _event(city, rng, org, *, start: datetime, hours: float, neighbourhood, programme=None, **extra) -> Event:
    event_type = extra.pop("type", rng.choice(list(TITLES)))
    title = f"{rng.choice(TITLES[event_type])} (Demo)"
    event = Event.objects.create(
        city=city,
        organisation=org,
        programme=programme,
        title=title,
        slug=slugify(title)[:200],
        type=event_type,
        description="Eine erfundene Veranstaltung für die Demo-Installation. Alle sind willkommen.",
        start=start,
        end=start + timedelta(hours=hours),
        venue_name=f"Demo-Treffpunkt {neighbourhood.name}",
        neighbourhood=neighbourhood,
        languages=["de", *rng.sample(LANGUAGES[1:], k=rng.randint(0, 2))],
        target_groups=rng.sample(TARGETS, k=rng.randint(1, 2)),
        step_free=rng.random() < 0.6,
        hearing_loop=rng.random() < 0.15,
        sign_language=rng.random() < 0.08,
        childcare=rng.random() < 0.3,
        is_free=rng.random() < 0.85,
        status=Event.Status.PUBLISHED,
        published_at=timezone.now(),
        is_demo=True,
        **extra,
    )
    if not event.is_free:
        Event.objects.filter(pk=event.pk).update(cost=f"{rng.choice([2, 3, 5, 8])} Euro")
    EventStep.objects.create(
        event=event,
        from_status=Event.Status.DRAFT,
        to_status=Event.Status.PUBLISHED,
        message="Demo-Inhalt, ohne Prüfung angelegt",
    )
    sync_occurrences(event)
    return event


def create_demo_events(city, *, seed: int, today: date | None = None) -> dict[str, int]:
    """Create the demo programme and a year of events once; a second call changes nothing."""
    today = today or timezone.localdate()
    september = next_september(today)
    slug = f"demo-begegnungen-im-september-{september.year}-stadtbezirk-iii"
    if Programme.objects.filter(city=city, slug=slug).exists():
        return {"programmes": 0, "events": 0}
    rng = random.Random(seed)
    organisations = _organisations(city, rng)
    iii = District.objects.get(city=city, number="III")
    programme = Programme.objects.create(
        city=city,
        slug=slug,
        is_demo=True,
        starts_on=september,
        ends_on=september.replace(day=30),
        title=f"Begegnungen im September {september.year} – Stadtbezirk III (Demo)",
        description="Demo-Programm: viele kleine Veranstaltungen zum Thema Integration im Stadtbezirk III. "
        "Einzige Voraussetzung: Interesse am Kennenlernen anderer Menschen. Alle Angaben sind erfunden.",
    )
    programme.districts.set([iii])
    places_iii = list(Neighbourhood.objects.filter(city=city, district=iii))
    created = 0
    for i in range(29):
        day = september + timedelta(days=i)  # one event a day, 1 to 29 September
        start = datetime.combine(day, time(rng.choice([10, 11, 14, 15, 16, 17, 18, 19])), tzinfo=BERLIN)
        _event(
            city,
            rng,
            rng.choice(organisations),
            start=start,
            hours=rng.choice([1.5, 2, 3]),
            neighbourhood=rng.choice(places_iii),
            programme=programme,
            type=rng.choice(["open_day", "information_evening", "meeting", "forum", "festival"]),
        )
        created += 1
    neighbourhoods = list(Neighbourhood.objects.filter(city=city))
    first = today + timedelta(days=1)
    for week in range(52):
        for _ in range(2):
            day = first + timedelta(days=week * 7 + rng.randint(0, 6))
            start = datetime.combine(day, time(rng.choice([10, 14, 16, 17, 18])), tzinfo=BERLIN)
            _event(
                city,
                rng,
                rng.choice(organisations),
                start=start,
                hours=rng.choice([1.5, 2, 3]),
                neighbourhood=rng.choice(neighbourhoods),
            )
            created += 1
    for org in rng.sample(organisations, k=6):
        start = datetime.combine(first + timedelta(days=rng.randint(0, 6)), time(18), tzinfo=BERLIN)
        _event(
            city,
            rng,
            org,
            start=start,
            hours=2,
            neighbourhood=rng.choice(neighbourhoods),
            type="meeting",
            recurrence=Event.Recurrence.WEEKLY,
            recurrence_until=first + timedelta(days=364),
        )
        created += 1
    return {"programmes": 1, "events": created}
