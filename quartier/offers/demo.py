"""Demo offers: about 300 fictional organisations and 1,000 offers across the Stadtteile, deliberately uneven
(some Stadtteile rich in offers, some with gaps), everything marked as demo. `bench` scales it up."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from quartier.organisations.models import Organisation
from quartier.places.models import Neighbourhood

from . import search
from .models import Offer, OfferCategory, TargetGroup
from .services import offer_categories_ensure_defaults, search_document
from .signals import retire

KINDS = [
    "association",
    "migrant_organisation",
    "welfare_association",
    "initiative",
    "religious_community",
    "education",
]
ORGANISATION_NAMES = [
    "Nachbarschaftsverein {place}",
    "Interkulturelles Zentrum {place}",
    "Familienbildungswerk {place}",
    "Begegnungsstätte {place}",
    "Kulturverein Brücke {place}",
    "Elterninitiative {place}",
    "Frauennetzwerk {place}",
    "Jugendhilfe {place}",
    "Sportverein Eintracht {place}",
    "Stadtteilladen {place}",
    "Bildungswerk Miteinander {place}",
    "Gemeindezentrum {place}",
]
LANGUAGES = ["ar", "tr", "uk", "ru", "fa", "en", "pl", "ro", "bg", "ku", "ti", "so", "sq", "fr"]
TITLES = {
    "language-cafe": [
        "Sprachcafé",
        "Sprachtreff am Nachmittag",
        "Deutsch im Gespräch",
        "Internationales Sprachcafé",
    ],
    "german-course": [
        "Deutschkurs A1",
        "Deutschkurs A2",
        "Alphabetisierungskurs",
        "Deutsch für den Beruf (B1)",
    ],
    "counselling": ["Migrationsberatung", "Sozialberatung", "Beratung für Familien", "Offene Sprechstunde"],
    "homework-help": ["Hausaufgabenhilfe", "Lernförderung für Schulkinder", "Lerncafé"],
    "women-group": ["Frauentreff", "Frauenfrühstück", "Frauencafé mit Kinderbetreuung"],
    "parents-cafe": ["Elterncafé", "Krabbelgruppe", "Familiencafé", "Väterfrühstück"],
    "sports-group": [
        "Fußball für alle",
        "Gymnastik für Frauen",
        "Schwimmkurs",
        "Boxtraining für Jugendliche",
    ],
    "youth-club": ["Offener Jugendtreff", "Mädchentreff", "Jugendcafé"],
    "meeting-cafe": ["Begegnungscafé", "Nachbarschaftstreff", "Seniorencafé", "Erzählcafé"],
    "mentoring": ["Patenschaften für Familien", "Lesepatenschaften", "Alltagsbegleitung"],
    "job-support": ["Bewerbungswerkstatt", "Jobcafé", "Beratung zur Anerkennung von Abschlüssen"],
    "culture": ["Interkultureller Chor", "Theaterwerkstatt", "Kochtreff", "Gemeinschaftsgarten"],
    "health": ["Gesundheitslotsinnen", "Bewegung und Gesundheit", "Sprechstunde rund um die Geburt"],
    "digital": ["Smartphone-Sprechstunde", "Computerkurs für Einsteiger*innen", "Hilfe bei Online-Anträgen"],
}
DESCRIPTIONS = [
    "Ein regelmäßiges Angebot im Stadtteil. Alle Angaben sind erfundene Demo-Inhalte.",
    "Offen für Interessierte, eine Anmeldung ist nicht nötig. Demo-Inhalt, erfunden.",
    "In kleiner Runde mit ehrenamtlicher Begleitung. Dieses Angebot ist ein erfundenes Beispiel.",
    "Mit mehrsprachiger Unterstützung. Alle Angaben sind Demo-Inhalte.",
]
GROUPS_FOR = {
    "homework-help": [TargetGroup.CHILDREN],
    "youth-club": [TargetGroup.YOUTH],
    "women-group": [TargetGroup.WOMEN],
    "parents-cafe": [TargetGroup.PARENTS, TargetGroup.FAMILIES],
}


def create_demo_offers(
    city, *, seed: int, organisations: int = 300, offers: int = 1000, prefix: str = "demo"
) -> dict:
    """Create the demo organisations and offers once (by the first offer's slug); a second call changes nothing.
    Returns counts. `prefix` names a separate set (bench/offers_data.py makes 50,000 more with "bench")."""
    offer_categories_ensure_defaults(city=city)
    marker = f"{prefix}-angebot-1"
    if Offer.objects.filter(city=city, slug=marker).exists():
        return {"organisations": 0, "offers": 0}
    rng = random.Random(seed)
    places = list(
        Neighbourhood.objects.filter(city=city)
        .select_related("district")
        .defer("boundary", "district__boundary")
    )
    categories = list(OfferCategory.objects.filter(city=city, is_active=True))
    # Uneven on purpose: a few Stadtteile have many offers, several have few, some categories are missing.
    weights = {n.pk: rng.paretovariate(1.2) for n in places}
    for n in rng.sample(places, k=max(1, len(places) // 6)):
        weights[n.pk] = 0.05
    category_weights = {c.pk: rng.uniform(0.3, 3.0) for c in categories}
    orgs = []
    for i in range(organisations):
        place = rng.choices(places, weights=[weights[n.pk] for n in places])[0]
        name = "Demo-" + rng.choice(ORGANISATION_NAMES).format(place=place.name) + f" {i + 1}"
        orgs.append(
            Organisation(
                city=city,
                name=name,
                slug=f"{prefix}-{slugify(name)}"[:200],
                kind=rng.choice(KINDS),
                description="Erfundene Organisation für die Demo.",
                email=f"demo-org-{i + 1}@example.org",
                is_demo=True,
            )
        )
    Organisation.objects.bulk_create(orgs, batch_size=500)
    orgs = list(
        Organisation.objects.filter(city=city, is_demo=True, slug__startswith=f"{prefix}-").order_by("pk")
    )
    now = timezone.now()
    rows, places_of = [], []
    for i in range(offers):
        category = rng.choices(categories, weights=[category_weights[c.pk] for c in categories])[0]
        citywide = rng.random() < 0.03
        chosen = [] if citywide else _places(rng, places, weights)
        groups = GROUPS_FOR.get(category.slug) or rng.sample(list(TargetGroup.values), k=rng.randint(1, 2))
        weekly = rng.random() < 0.8
        confirmed_days = rng.choice([3, 30, 90, 200, 300]) if rng.random() > 0.04 else rng.choice([380, 470])
        offer = Offer(
            city=city,
            organisation=rng.choice(orgs),
            category=category,
            title=f"{rng.choice(TITLES.get(category.slug, [category.name]))}"
            + (f" {chosen[0].name}" if chosen else " (stadtweit)"),
            slug=f"{prefix}-angebot-{i + 1}",
            description=rng.choice(DESCRIPTIONS),
            target_groups=[str(g) for g in groups],
            languages=["de", *rng.sample(LANGUAGES, k=rng.randint(0, 3))],
            schedule=Offer.Schedule.WEEKLY if weekly else Offer.Schedule.APPOINTMENT,
            weekly_times=[
                {"weekday": rng.randint(0, 5), "start": f"{h:02d}:00", "end": f"{h + 2:02d}:00"}
                for h in [rng.choice([9, 10, 14, 15, 16, 17, 18])]
            ]
            if weekly
            else [],
            citywide=citywide,
            is_free=rng.random() < 0.85,
            cost="" if rng.random() < 0.85 else "2 € pro Termin",
            contact_email=f"{prefix}-angebot-{i + 1}@example.org",
            step_free=rng.random() < 0.5,
            childcare=category.slug in {"german-course", "women-group"} and rng.random() < 0.5,
            confirmed_at=now - timedelta(days=confirmed_days),
            is_demo=True,
        )
        rows.append(offer)
        places_of.append(chosen)
    Offer.objects.bulk_create(rows, batch_size=500)
    created = {
        o.slug: o
        for o in Offer.objects.filter(city=city, slug__startswith=f"{prefix}-angebot-").select_related(
            "category", "organisation"
        )
    }
    through = Offer.neighbourhoods.through
    links, saved = [], []
    for offer, chosen in zip(rows, places_of, strict=True):
        stored = created[offer.slug]
        links += [through(offer_id=stored.pk, neighbourhood_id=n.pk) for n in chosen]
        stored.search_document = search_document(stored, chosen)
        saved.append(stored)
    through.objects.bulk_create(links, batch_size=1000)
    Offer.objects.bulk_update(saved, ["search_document"], batch_size=500)
    search.index(saved)

    retire(city.pk)
    return {"organisations": organisations, "offers": len(saved)}


def _places(rng: random.Random, places, weights) -> list:
    first = rng.choices(places, weights=[weights[n.pk] for n in places])[0]
    if rng.random() < 0.8:
        return [first]
    same_district = [n for n in places if n.district_id == first.district_id and n.pk != first.pk]
    return [first, rng.choice(same_district)] if same_district else [first]


SCALES = {"city": (300, 1000), "bench": (3000, 50_000)}  # (organisations, offers)


def load(city, *, seed: int, scale: str, stdout) -> None:
    """The demo organisations and offers, as many as the scale asks for."""
    organisations, offers = SCALES[scale]
    counts = create_demo_offers(city, seed=seed, organisations=organisations, offers=offers)
    stdout.write(
        f"Demo offers: {counts['organisations']} organisation(s), {counts['offers']} offer(s) created"
        + ("" if counts["offers"] else " (already there)")
    )
