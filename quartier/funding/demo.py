"""Demo funding advice: fictional programmes with deadlines and a few dozen consultations in every state, each
taken through the services so that every step has its row. Everything is marked as demo."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from quartier.accounts.selectors import work_recipients
from quartier.offers.models import Offer
from quartier.places.models import Neighbourhood

from . import services
from .models import FundingConsultation, FundingProgramme, ProgrammeDeadline

S = FundingConsultation.Status
PROGRAMMES = [
    (
        "Quartiersfonds Integration (Demo)",
        "Stadt (Demo)",
        "Kleine Projekte von Vereinen im Stadtteil",
        "5000",
    ),
    (
        "Landesprogramm Zusammenleben (Demo, erfunden)",
        "Land (Demo)",
        "Projekte für Begegnung und Teilhabe",
        "25000",
    ),
    ("Stiftung Nachbarschaft (Demo)", "Stiftung (Demo)", "Ehrenamtliche Initiativen", "3000"),
    (
        "Bundesprogramm Sprache im Alltag (Demo, erfunden)",
        "Bund (Demo)",
        "Sprachförderung außerhalb von Kursen",
        "60000",
    ),
    ("Jugendfonds (Demo)", "Stadt (Demo)", "Projekte von und für Jugendliche", "2500"),
]
IDEAS = [
    (
        "Sprachcafé für Mütter",
        "Ein wöchentlicher Treff, in dem Mütter beim Tee Deutsch sprechen üben, mit Spielecke.",
    ),
    (
        "Hausaufgabenhilfe in der Moschee",
        "Ehrenamtliche helfen Grundschulkindern nachmittags bei den Hausaufgaben.",
    ),
    ("Fahrradkurs für Frauen", "Frauen lernen Fahrradfahren und die Verkehrsregeln, in kleinen Gruppen."),
    ("Nachbarschaftsgarten", "Auf einer Brachfläche legen Nachbarinnen und Nachbarn gemeinsam Beete an."),
    ("Bewerbungstraining für junge Geflüchtete", "Lebenslauf, Anschreiben und Vorstellungsgespräch üben."),
    (
        "Seniorencafé mehrsprachig",
        "Ältere Menschen aus vielen Ländern treffen sich zu Kaffee und Gesprächen.",
    ),
    ("Jugendband", "Jugendliche gründen eine Band und proben im Stadtteilzentrum."),
    ("Smartphone-Hilfe", "Ehrenamtliche erklären Älteren Handy, Apps und Online-Anträge."),
    ("Elternabende zur Schule", "Eltern erfahren mehrsprachig, wie Schule in Deutschland funktioniert."),
]
STATE_PATH = [
    S.REQUESTED,
    S.SLOTS_PROPOSED,
    S.APPOINTMENT_CONFIRMED,
    S.ADVISED,
    S.APPLIED,
    S.APPROVED,
    S.RUNNING,
]


def create_demo_funding(city, *, seed: int, per_state: int = 4) -> dict:
    """Programmes and consultations once (by the first programme's name); a second call changes nothing."""
    if FundingProgramme.objects.filter(city=city, name=PROGRAMMES[0][0]).exists():
        return {"programmes": 0, "consultations": 0}
    rng = random.Random(seed)
    today = timezone.localdate()
    programmes = []
    for name, provider, target, amount in PROGRAMMES:
        programme = FundingProgramme.objects.create(
            city=city,
            name=name,
            provider=provider,
            target=target,
            max_amount=Decimal(amount),
            is_demo=True,
            link="https://example.org/foerderprogramm-demo",
        )
        for days in rng.sample([20, 45, 75, 110, 160, 250], k=2):
            ProgrammeDeadline.objects.create(programme=programme, date=today + timedelta(days=days))
        programmes.append(programme)
    places = list(
        Neighbourhood.objects.filter(city=city)
        .select_related("district")
        .defer("boundary", "district__boundary")
    )
    made = 0
    targets = [*STATE_PATH, S.REJECTED, S.WITHDRAWN]
    for state in targets:
        for _ in range(per_state):
            title, description = rng.choice(IDEAS)
            place = rng.choice(places)
            consultation, _token, _ = services.consultation_submit(
                city=city,
                request=services.Request(
                    title=f"{title} (Demo)",
                    description=description + " Alle Angaben sind erfunden.",
                    neighbourhoods=[place],
                    target_groups=[],
                    budget=str(rng.choice([800, 1500, 3000, 4500, 12000])),
                    programmes=rng.sample(programmes, k=1),
                    organisation_name=f"Demo-Verein {made + 1}",
                    contact_name=f"Demo-Person {made + 1}",
                    contact_email=f"demo-foerderung-{made + 1}@example.org",
                    consent=True,
                ),
                submission_key=f"demo-funding-{seed}-{made}",
                status_url_for=lambda token: "",
                language="de",
                notify=False,
            )
            FundingConsultation.objects.filter(pk=consultation.pk).update(is_demo=True)
            actor = next(iter(work_recipients(city=city, district=consultation.district).users), None)
            _walk(consultation, state, actor, programmes, rng, city)
            made += 1
    return {"programmes": len(programmes), "consultations": made}


def _walk(consultation, state, actor, programmes, rng, city) -> None:
    """Take the consultation through the services up to `state`."""
    if state == S.REQUESTED or actor is None:
        return
    c = consultation
    if state == S.WITHDRAWN:
        services.consultation_withdraw(consultation=c)
        return
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=rng.randint(2, 20))
    c = services.consultation_slots_propose(
        actor=actor,
        consultation=c,
        expected_version=c.version,
        slots=[
            (start, start + timedelta(hours=1), "Bezirksstelle (Demo)"),
            (start + timedelta(days=1), start + timedelta(days=1, hours=1), "online (Demo)"),
        ],
    )
    if state == S.SLOTS_PROPOSED:
        return
    c = services.consultation_slot_choose(consultation=c, slot_id=c.slots.order_by("pk").first().pk)
    if state == S.APPOINTMENT_CONFIRMED:
        return
    programme = rng.choice(programmes)
    c = services.consultation_advise(
        actor=actor,
        consultation=c,
        notes="Demo: beraten, Programm empfohlen.",
        recommended=[programme],
        expected_version=c.version,
    )
    if state == S.ADVISED:
        return
    c = services.consultation_mark_applied(
        actor=actor, consultation=c, programme=programme, expected_version=c.version
    )
    if state == S.APPLIED:
        return
    approved = state != S.REJECTED
    c = services.consultation_decide(
        actor=actor,
        consultation=c,
        approved=approved,
        programme=programme,
        amount=str(rng.choice([800, 1500, 2500])) if approved else None,
        expected_version=c.version,
    )
    if state != S.RUNNING:
        return
    offer = Offer.objects.filter(city=city, is_demo=True).order_by("?").first()
    services.consultation_project_start(
        actor=actor, consultation=c, offers=[offer] if offer else [], events=[], expected_version=c.version
    )


def load(city, *, seed: int, scale: str, stdout) -> None:
    """The demo funding programmes and consultations."""
    counts = create_demo_funding(city, seed=seed)
    stdout.write(
        f"Demo funding advice: {counts['programmes']} programme(s), {counts['consultations']} consultation(s)"
        + ("" if counts["consultations"] else " (already there)")
    )
