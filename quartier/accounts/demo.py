"""Demo accounts: one fictional login for every role, marked as demo, all with the same password."""

from __future__ import annotations

from quartier.places.models import District

from .models import Membership, Role, User

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


def load(city, *, seed: int, scale: str, stdout) -> None:
    """Create the demo logins (idempotent) and print them with their roles."""
    stdout.write(f"Demo logins (fictional accounts, password for all: {DEMO_PASSWORD}):")
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
            district = District.objects.get(city=city, number=numeral) if numeral else None
            Membership.objects.get_or_create(user=user, city=city, role=role, district=district)
        label = ", ".join(f"{Role(r).label}{' ' + n if n else ''}" for r, n in roles)
        stdout.write(f"  {email:42} {label} ({state})")
