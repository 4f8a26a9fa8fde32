"""Demo suggestions: a few dozen fictional suggestions across the Stadtteile, in every state, some published.

Everything is marked as demo; writers are fictional ("Demo-..."), with example.org addresses. Dated relative to
the day the demo is generated, so "days open" and "overdue" show something real.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from quartier.accounts.selectors import work_recipients
from quartier.core import listcache
from quartier.places.models import Neighbourhood

from . import selectors, services
from .models import Suggestion

TEXTS = {
    "language": [
        "Ein Sprachcafé am Samstagvormittag, damit auch Berufstätige kommen können.",
        "Deutschkurse mit Kinderbetreuung im Stadtteilzentrum.",
    ],
    "neighbourhood": [
        "Ein Nachbarschaftsfest im Sommer auf dem Marktplatz.",
        "Ein schwarzes Brett in mehreren Sprachen am Bürgerhaus.",
    ],
    "children_youth": [
        "Ein offener Treff für Jugendliche am Freitagabend.",
        "Hausaufgabenhilfe in der Stadtteilbibliothek.",
    ],
    "housing": ["Beratung zu Mietverträgen in einfacher Sprache."],
    "leisure_sport": ["Schwimmkurse für Frauen mit Trainerinnen.", "Ein Bolzplatz mit Flutlicht."],
    "health": ["Informationen über Kinderärzt*innen, die Arabisch oder Türkisch sprechen."],
    "safety": ["Bessere Beleuchtung am Weg zur Straßenbahnhaltestelle."],
    "education": ["Elternabende in mehreren Sprachen an der Grundschule."],
    "work": ["Ein Bewerbungscafé für Neuzugewanderte."],
}
ANSWERS = {
    "implemented": "Danke! Das Angebot startet im nächsten Monat im Stadtteilzentrum (Demo-Antwort).",
    "not_feasible": "Dafür fehlt leider ein Raum; wir haben die Idee an den Arbeitskreis weitergegeben (Demo).",
    "committee": "Die Idee wird in der nächsten Integrationskonferenz beraten (Demo-Antwort).",
}


def create_demo_suggestions(city, *, seed: int, count: int = 40) -> int:
    """Create the demo suggestions once; a second call changes nothing."""
    if Suggestion.objects.filter(city=city, is_demo=True).exists():
        return 0
    rng = random.Random(seed)
    places = list(Neighbourhood.objects.filter(city=city).select_related("district").defer("boundary"))
    now = timezone.now()
    made = 0
    for i in range(count):
        topic = rng.choice(list(TEXTS))
        place = rng.choice(places) if rng.random() > 0.1 else None
        with_contact = rng.random() < 0.6
        suggestion, _, _ = services.suggestion_submit(
            city=city,
            text=rng.choice(TEXTS[topic]),
            topic=topic,
            neighbourhood=place,
            consent=True,
            submission_key=f"demo-{seed}-{i}",
            status_url_for=lambda token: "",
            name=f"Demo-Person {i + 1}" if with_contact else "",
            email=f"demo-person-{i + 1}@example.org" if with_contact else "",
            language=rng.choice(["de", "de", "en", "ar"]),
            notify=False,  # demo: no mail to fictional people
        )
        age = timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23))
        Suggestion.objects.filter(pk=suggestion.pk).update(
            is_demo=True, created_at=now - age, last_activity_at=now - age / 2
        )
        listcache.bump(selectors.inbox_cache_scope(city.pk))  # update() sends no signal
        suggestion.refresh_from_db()
        actor = next(iter(work_recipients(city=city, district=suggestion.district).users), None)
        state = i % 5
        if actor is None or state == 0:
            made += 1
            continue
        version = suggestion.version
        if state >= 2:
            suggestion = services.suggestion_transition(
                actor=actor,
                suggestion=suggestion,
                to_status="in_progress",
                expected_version=version,
                notify=False,
            )
            version = suggestion.version
        if state == 3:
            suggestion = services.suggestion_transition(
                actor=actor,
                suggestion=suggestion,
                to_status="forwarded",
                expected_version=version,
                forwarded_to="Demo-Amt für Stadtteilarbeit",
                forwarded_email="amt-demo@example.org",
                notify=False,
            )
        if state == 4:
            outcome = rng.choice(list(ANSWERS))
            suggestion = services.suggestion_transition(
                actor=actor,
                suggestion=suggestion,
                to_status="closed",
                expected_version=version,
                outcome=outcome,
                public_answer=ANSWERS[outcome],
                notify=False,
            )
            if rng.random() < 0.7:
                services.suggestion_publish(
                    actor=actor,
                    suggestion=suggestion,
                    publish=True,
                    published_text=suggestion.text,
                    expected_version=suggestion.version,
                )
        made += 1
    return made


def load(city, *, seed: int, scale: str, stdout) -> None:
    """The demo suggestions."""
    made = create_demo_suggestions(city, seed=seed)
    stdout.write(f"Demo suggestions: {made} created" + ("" if made else " (already there)"))
