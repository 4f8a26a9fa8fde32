"""Bench data for suggestions: a large inbox, a logged-in coordinator for wrk, and counting a submission run.

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python bench/suggestions_data.py --inbox 100000
    ... bench/suggestions_data.py --session            # prints a session cookie of the bench coordinator (III)
    ... bench/suggestions_data.py --count RUN_ID       # stored rows of a wrk submission run, and duplicates

`--inbox N` makes sure Essen holds N bench suggestions ("Bench:" texts, is_demo), spread over the 50 Stadtteile
and the last 365 days, in every state, bulk-inserted with one step each; then ANALYZE.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from quartier.accounts.models import Membership, Role, User  # noqa: E402
from quartier.core.tokens import token_hash  # noqa: E402
from quartier.places.models import City, District, Neighbourhood  # noqa: E402
from quartier.suggestions.models import Suggestion, SuggestionStep  # noqa: E402

COORDINATOR = "bench-koordination-iii@example.org"
TEXTS = [
    "Bench: ein Sprachcafé am Samstagvormittag im Stadtteilzentrum.",
    "Bench: Hausaufgabenhilfe in der Bibliothek für Kinder aus neu zugewanderten Familien.",
    "Bench: bessere Beleuchtung am Weg zur Haltestelle.",
    "Bench: ein Nachbarschaftsfest mit Musik aus vielen Ländern.",
    "Bench: Schwimmkurse für Frauen mit Trainerinnen.",
]


def fill_inbox(city: City, target: int, seed: int) -> int:
    have = Suggestion.objects.filter(city=city, text__startswith="Bench:").count()
    if have >= target:
        return 0
    rng = random.Random(seed)
    places = list(Neighbourhood.objects.filter(city=city).select_related("district").defer("boundary"))
    topics = Suggestion.Topic.values
    now = timezone.now()
    made = 0
    while have + made < target:
        batch = []
        for _ in range(min(5000, target - have - made)):
            place = rng.choice(places)
            created = now - timedelta(days=rng.uniform(0, 365))
            status = rng.choice(["received", "in_progress", "forwarded", "closed"])
            batch.append(
                Suggestion(
                    city=city,
                    neighbourhood=place,
                    district=place.district,
                    text=rng.choice(TEXTS) + f" ({secrets.token_hex(4)})",
                    topic=rng.choice(topics),
                    name="Bench-Person" if rng.random() < 0.5 else "",
                    email="bench-person@example.org" if rng.random() < 0.5 else "",
                    consent_at=created,
                    status=status,
                    outcome="implemented" if status == "closed" else "",
                    public_answer="Bench-Antwort." if status == "closed" else "",
                    status_token_hash=token_hash(secrets.token_hex(16)),
                    status_link_expires_at=now + timedelta(days=700),
                    submission_key=secrets.token_hex(16),
                    closed_at=created + timedelta(days=10) if status == "closed" else None,
                    last_activity_at=created,
                    is_demo=True,
                )
            )
        with transaction.atomic():
            rows = Suggestion.objects.bulk_create(batch)
            SuggestionStep.objects.bulk_create(
                SuggestionStep(suggestion=s, to_status="received") for s in rows
            )
            # created_at is auto_now_add: spread it over the year afterwards, like real arrivals.
            for s in rows:
                s.created_at = s.consent_at
            Suggestion.objects.bulk_update(rows, ["created_at"], batch_size=5000)
        made += len(rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE suggestions_suggestion")
            cursor.execute("ANALYZE")
    return made


def session_cookie(city: City) -> str:
    user = User.objects.filter(email=COORDINATOR).first()
    if user is None:
        user = User.objects.create_user(
            username=COORDINATOR, email=COORDINATOR, password=secrets.token_hex(16)
        )
        user.is_demo = True
        user.save(update_fields=["is_demo"])
    Membership.objects.get_or_create(
        user=user, city=city, role=Role.COORDINATOR, district=District.objects.get(city=city, number="III")
    )
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def count_run(run_id: str) -> None:
    rows = Suggestion.objects.filter(text__startswith=f"Lastmessung {run_id}-")
    duplicates = rows.values("text").annotate(n=Count("id")).filter(n__gt=1).count()
    print(f"stored={rows.count()} duplicated_texts={duplicates}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--inbox", type=int)
    parser.add_argument("--session", action="store_true")
    parser.add_argument("--count", metavar="RUN_ID")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    essen = City.objects.get(slug="essen")
    if args.inbox:
        print(f"{fill_inbox(essen, args.inbox, args.seed)} bench suggestions added")
    if args.session:
        print(session_cookie(essen))
    if args.count:
        count_run(args.count)


if __name__ == "__main__":
    main()
