"""Demo events: the programme "Begegnungen im September" for Stadtbezirk III and a year of other events.

Everything here is fictional and marked as demo (names start with "Demo", is_demo=True), dated relative to the
day the demo is generated.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.text import slugify

from quartier.accounts.demo import DEMO_ORGANISER
from quartier.accounts.models import User
from quartier.core.tokens import new_token
from quartier.organisations.models import Organisation
from quartier.places.models import District, Neighbourhood

from .models import Event, EventStep, Programme, Registration
from .occurrences import BERLIN
from .registration_services import RETENTION_DAYS
from .services import event_occurrences_sync

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
    event_occurrences_sync(event=event)
    return event


def create_demo_events(city, *, seed: int, today: date | None = None) -> dict[str, int]:
    """Create the demo programme and a year of events once; a second call changes nothing."""
    today = today or timezone.localdate()
    september = next_september(today)
    slug = f"demo-begegnungen-im-september-{september.year}-stadtbezirk-iii"
    if Programme.objects.filter(city=city, slug=slug).exists():
        return {"programmes": 0, "events": create_demo_registrations(city, seed=seed, today=today)}
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
    created += create_demo_registrations(city, seed=seed, today=today)
    return {"programmes": 1, "events": created}


# Events that take registrations, of the first demo organisation (whose member is the demo organiser), in
# Stadtbezirk III (reviewed by the demo coordinator): (slug, title, type, days ahead, hour, mode, capacity,
# waiting list size, deadline days before, weekly, [(people, status)]).
REGISTRATION_EVENTS = [
    (
        "demo-anmeldung-sprachcafe",
        "Sprachcafé mit Anmeldung (Demo)",
        "meeting",
        10,
        17,
        "limited",
        12,
        None,
        1,
        False,
        [(2, "confirmed"), (1, "confirmed"), (3, "confirmed"), (1, "confirmed"), (1, "cancelled")],
    ),
    (
        "demo-anmeldung-kochkurs",
        "Kochkurs: Rezepte aus aller Welt (Demo)",
        "course",
        14,
        18,
        "limited",
        8,
        None,
        2,
        False,
        [
            (3, "confirmed"),
            (2, "confirmed"),
            (2, "confirmed"),
            (1, "confirmed"),
            (2, "waiting"),
            (1, "waiting"),
            (1, "waiting"),
        ],
    ),
    (
        "demo-anmeldung-infoabend",
        "Informationsabend: Schule in Deutschland (Demo)",
        "information_evening",
        20,
        18,
        "required",
        None,
        None,
        None,
        False,
        [(1, "confirmed"), (2, "confirmed"), (1, "confirmed")],
    ),
    (
        "demo-anmeldung-computerkurs",
        "Computerkurs für Einsteiger*innen (Demo)",
        "course",
        3,
        10,
        "limited",
        6,
        0,
        None,
        True,
        [(2, "confirmed"), (2, "confirmed"), (2, "confirmed")],
    ),
    (
        "demo-anmeldung-fahrradwerkstatt",
        "Fahrradwerkstatt mit Anmeldung (Demo)",
        "open_day",
        5,
        15,
        "limited",
        10,
        None,
        6,
        False,
        [(1, "confirmed"), (2, "confirmed")],
    ),
    (
        "demo-anmeldung-fruehstueck",
        "Nachbarschaftsfrühstück mit Anmeldung (Demo)",
        "meeting",
        0,
        18,
        "limited",
        10,
        None,
        None,
        False,
        [(2, "confirmed"), (1, "confirmed"), (1, "confirmed"), (3, "confirmed")],
    ),
]
DEMO_NAMES = ["Demo Amal", "Demo Bernd", "Demo Ceyda", "Demo Dmytro", "Demo Elif", "Demo Farid", "Demo Greta"]


def create_demo_registrations(city, *, seed: int, today: date | None = None) -> int:
    """Create the events that take registrations, with registrations, once; returns how many events it made."""
    if Event.objects.filter(city=city, slug__startswith="demo-anmeldung-").exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(seed + 1)
    organisation = _organisations(city, random.Random(seed))[0]
    places = list(Neighbourhood.objects.filter(city=city, district__number="III").order_by("name"))
    made = 0
    for n, (slug, title, kind, days, hour, mode, capacity, waiting_size, deadline, weekly, rows) in enumerate(
        REGISTRATION_EVENTS
    ):
        start = datetime.combine(today + timedelta(days=days), time(hour), tzinfo=BERLIN)
        place = places[n % len(places)]
        event = Event.objects.create(
            city=city,
            organisation=organisation,
            title=title,
            slug=slug,
            type=kind,
            description="Eine erfundene Veranstaltung mit Anmeldung für die Demo-Installation. Alle Angaben und "
            "alle Angemeldeten sind erfunden.",
            start=start,
            end=start + timedelta(hours=2),
            recurrence=Event.Recurrence.WEEKLY if weekly else Event.Recurrence.NONE,
            recurrence_until=today + timedelta(days=days + 56) if weekly else None,
            venue_name=f"Demo-Treffpunkt {place.name}",
            neighbourhood=place,
            languages=["de", "ar"],
            target_groups=["everyone"],
            step_free=True,
            registration=mode,
            capacity=capacity,
            waiting_list_size=waiting_size,
            registration_deadline=start - timedelta(days=deadline) if deadline else None,
            status=Event.Status.PUBLISHED,
            published_at=timezone.now(),
            is_demo=True,
        )
        EventStep.objects.create(
            event=event,
            from_status=Event.Status.DRAFT,
            to_status=Event.Status.PUBLISHED,
            message="Demo-Inhalt, ohne Prüfung angelegt",
        )
        event_occurrences_sync(event=event)
        for i, (people, status) in enumerate(rows):
            name = DEMO_NAMES[(i + n) % len(DEMO_NAMES)]
            Registration.objects.create(
                event=event,
                occurrence_start=start,
                name=name,
                email=f"{slugify(name)}-{n}-{i}@example.org",
                people=people,
                language=rng.choice(["de", "de", "en", "ar"]),
                status=status,
                cancel_token_hash=new_token()[1],
                delete_after=start + timedelta(hours=2, days=RETENTION_DAYS),
            )
        made += 1
    return made


def load(city, *, seed: int, scale: str, stdout) -> None:
    """The demo programme and events (with registrations); the demo organiser also manages the first demo
    organisation's members (invites, roles)."""
    counts = create_demo_events(city, seed=seed)
    first = Organisation.objects.filter(city=city, is_demo=True).order_by("pk").first()
    if first is not None:
        first.members.get_or_create(user=User.objects.get(email=DEMO_ORGANISER), defaults={"role": "manager"})
    stdout.write(
        f"Demo events: {counts['programmes']} programme(s), {counts['events']} event(s) created"
        + ("" if counts["events"] else " (already there)")
    )
