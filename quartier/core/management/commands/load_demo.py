"""Demo content: fictional accounts (and, as later issues add them, events, offers, ...), marked as demo."""

import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quartier.accounts.models import Membership, Role, User
from quartier.places.models import City, District

DEMO_PASSWORD = "demo-quartier-2026"

DEMO_USERS = [
    # (e-mail, first name, last name, superuser, [(role, district numeral or None)])
    ("admin@demo.quartier.example", "Demo", "Administration", True, [(Role.CITY_ADMIN, None)]),
    (
        "koordination-iii@demo.quartier.example",
        "Demo",
        "Koordination III",
        False,
        [(Role.COORDINATOR, "III")],
    ),
    ("zentrale@demo.quartier.example", "Demo", "Zentrale Koordination", False, [(Role.FALLBACK, None)]),
    ("verein@demo.quartier.example", "Demo", "Vereinsvorstand", False, [(Role.ORGANISATION_MEMBER, None)]),
    (
        "kompetenzteam-iii@demo.quartier.example",
        "Demo",
        "Kompetenzteam III",
        False,
        [(Role.COMPETENCE_MEMBER, "III")],
    ),
    ("steuerung@demo.quartier.example", "Demo", "Zentrale Steuerung", False, [(Role.CENTRAL_STEERING, None)]),
]
DEMO_ORGANISER = "verein@demo.quartier.example"


class Command(BaseCommand):
    help = "Create demo content for a city (idempotent). Everything it creates is marked as demo."

    def add_arguments(self, parser):
        parser.add_argument("--city", default="essen")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--scale", choices=["city", "bench"], default="city")

    @transaction.atomic
    def handle(self, *args, city, seed, scale, **options):
        random.seed(seed)
        try:
            the_city = City.objects.get(slug=city)
        except City.DoesNotExist as exc:
            raise CommandError(
                f"City {city!r} is not loaded; run `manage.py load_city {city}` first."
            ) from exc
        self.stdout.write(f"Demo logins (fictional accounts, password for all: {DEMO_PASSWORD}):")
        for email, first, last, superuser, roles in DEMO_USERS:
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User(
                    email=email,
                    username=email,
                    first_name=first,
                    last_name=last,
                    is_demo=True,
                    is_staff=superuser,
                    is_superuser=superuser,
                )
                user.set_password(DEMO_PASSWORD)
                user.save()
                state = "created"
            else:
                state = "exists"
            for role, numeral in roles:
                district = District.objects.get(city=the_city, number=numeral) if numeral else None
                Membership.objects.get_or_create(user=user, city=the_city, role=role, district=district)
            label = ", ".join(f"{Role(r).label}{' ' + n if n else ''}" for r, n in roles)
            self.stdout.write(f"  {email:42} {label} ({state})")
        from quartier.events.demo import create_demo_events

        counts = create_demo_events(the_city, seed=seed)
        from quartier.organisations.models import Organisation

        first = Organisation.objects.filter(city=the_city, is_demo=True).order_by("pk").first()
        if first is not None:
            # The demo organiser manages the organisation's members too (invites, roles).
            first.members.get_or_create(
                user=User.objects.get(email=DEMO_ORGANISER), defaults={"role": "manager"}
            )
        self.stdout.write(
            f"Demo events: {counts['programmes']} programme(s), {counts['events']} event(s) created"
            + ("" if counts["events"] else " (already there)")
        )
        from quartier.suggestions.demo import create_demo_suggestions

        made = create_demo_suggestions(the_city, seed=seed)
        self.stdout.write(f"Demo suggestions: {made} created" + ("" if made else " (already there)"))
        from quartier.offers.demo import create_demo_offers

        sizes = {"city": (300, 1000), "bench": (3000, 50_000)}[scale]
        counts = create_demo_offers(the_city, seed=seed, organisations=sizes[0], offers=sizes[1])
        self.stdout.write(
            f"Demo offers: {counts['organisations']} organisation(s), {counts['offers']} offer(s) created"
            + ("" if counts["offers"] else " (already there)")
        )
        from quartier.funding.demo import create_demo_funding

        counts = create_demo_funding(the_city, seed=seed)
        self.stdout.write(
            f"Demo funding advice: {counts['programmes']} programme(s), {counts['consultations']} consultation(s)"
            + ("" if counts["consultations"] else " (already there)")
        )
