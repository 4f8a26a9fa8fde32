"""Bench data for the events capability: one city-year of events per city, and the wrk query lists.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/quartier_bench \\
    DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python bench/events_data.py --cities 1 --write-queries DIR

`--cities N` makes sure Essen and N-1 copies of Essen's Stadtbezirke and Stadtteile ("Benchstadt 2" ...;
no boundaries, bench database only) each hold `--per-city` bench events (default 20,000: one city-year) in
the coming 365 days: 90 % one-off, 10 % weekly for 4 to 12 weeks with an exception now and then, 3 % online,
3 % cancelled. Cities that have them already are left as they are, so the step from 1 to 10 cities adds 9.
Events are bulk-inserted with their occurrence rows (what `services.event_occurrences_sync` writes) and the tables
are analysed afterwards. Everything is marked `is_demo` and its organisations are named "Bench-...".

`--write-queries DIR` writes `events-api.txt` and `events-page.txt`: 500 paths each for Essen, a seeded mix of
the filters residents use (none, Stadtbezirk, Stadtteil, type, language, target group, free, step-free, a
month, a search word, pages 1-5).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from quartier.events.demo import LANGUAGES, TARGETS, TITLES  # noqa: E402
from quartier.events.models import Event, EventOccurrence  # noqa: E402
from quartier.events.occurrences import BERLIN, occurrences  # noqa: E402
from quartier.organisations.models import Organisation  # noqa: E402
from quartier.places.models import City, District, Neighbourhood  # noqa: E402

BATCH = 2000
KINDS = ["association", "migrant_organisation", "welfare_association", "initiative", "education", "other"]


def clone_city(essen: City, n: int) -> City:
    """Benchstadt n: Essen's Stadtbezirke and Stadtteile under another slug, without boundaries."""
    city, created = City.objects.get_or_create(
        slug=f"benchstadt-{n}", defaults={"name": f"Benchstadt {n}", "domain": f"bench{n}.invalid"}
    )
    if created:
        for d in District.objects.filter(city=essen).order_by("ordinal"):
            clone = District.objects.create(city=city, number=d.number, ordinal=d.ordinal, name=d.name)
            Neighbourhood.objects.bulk_create(
                Neighbourhood(
                    city=city,
                    district=clone,
                    number=nb.number,
                    name=nb.name,
                    slug=nb.slug,
                    population=nb.population,
                )
                for nb in Neighbourhood.objects.filter(district=d)
            )
    return city


def fill_city(city: City, per_city: int, rng: random.Random) -> int:
    existing = Event.objects.filter(city=city, organisation__name__startswith="Bench-").count()
    if existing >= per_city:
        return 0
    orgs = list(Organisation.objects.filter(city=city, name__startswith="Bench-"))
    if not orgs:
        orgs = Organisation.objects.bulk_create(
            Organisation(
                city=city,
                name=f"Bench-Verein {i} ({city.name})",
                slug=f"bench-verein-{i}",
                kind=rng.choice(KINDS),
                is_demo=True,
            )
            for i in range(60)
        )
    neighbourhoods = list(Neighbourhood.objects.filter(city=city))
    today = timezone.localdate()
    now = timezone.now()
    types = list(TITLES)
    made = 0
    todo = per_city - existing
    while made < todo:
        events = []
        for _ in range(min(BATCH, todo - made)):
            event_type = rng.choice(types)
            title = rng.choice(TITLES[event_type])
            day = today + timedelta(days=rng.randint(1, 364))
            start = datetime(
                day.year, day.month, day.day, rng.choice([9, 10, 14, 16, 17, 18, 19]), tzinfo=BERLIN
            )
            weekly = rng.random() < 0.10
            online = rng.random() < 0.03
            until = day + timedelta(weeks=rng.randint(4, 12)) if weekly else None
            events.append(
                Event(
                    city=city,
                    organisation=rng.choice(orgs),
                    title=f"{title} (Bench)",
                    slug="bench",
                    type=event_type,
                    description="Erfundene Veranstaltung für die Lastmessung. "
                    + rng.choice(TITLES[event_type]),
                    start=start,
                    end=start + timedelta(hours=rng.choice([1.5, 2, 3])),
                    recurrence=Event.Recurrence.WEEKLY if weekly else Event.Recurrence.NONE,
                    recurrence_until=until,
                    exceptions=[(day + timedelta(weeks=2)).isoformat()]
                    if weekly and rng.random() < 0.3
                    else [],
                    online=online,
                    venue_name="" if online else "Bench-Treffpunkt",
                    neighbourhood=None if online else rng.choice(neighbourhoods),
                    languages=["de", *rng.sample(LANGUAGES[1:], k=rng.randint(0, 2))],
                    target_groups=rng.sample(TARGETS, k=rng.randint(1, 2)),
                    step_free=rng.random() < 0.6,
                    is_free=rng.random() < 0.85,
                    status=Event.Status.CANCELLED if rng.random() < 0.03 else Event.Status.PUBLISHED,
                    published_at=now,
                    is_demo=True,
                )
            )
        with transaction.atomic():
            created = Event.objects.bulk_create(events)
            EventOccurrence.objects.bulk_create(
                (
                    EventOccurrence(event_id=e.pk, city_id=city.pk, start=o.start, end=o.end)
                    for e in created
                    for o in occurrences(e)
                ),
                batch_size=5000,
            )
        made += len(created)
    return made


def write_queries(directory: Path, essen: City, seed: int, n: int = 500) -> None:
    rng = random.Random(seed)
    districts = list(District.objects.filter(city=essen).values_list("number", flat=True))
    neighbourhoods = list(Neighbourhood.objects.filter(city=essen).values_list("number", "pk"))
    today = date.today()
    api, page = [], []
    for _ in range(n):
        shape = rng.random()
        common: dict[str, str] = {}
        if shape < 0.25:
            pass  # everything coming
        elif shape < 0.40:
            common["district"] = rng.choice(districts)
        elif shape < 0.50:
            common["neighbourhood"] = str(rng.choice(neighbourhoods)[0])
        elif shape < 0.60:
            common["type"] = rng.choice(list(TITLES))
        elif shape < 0.70:
            common["language"] = rng.choice(LANGUAGES[1:])
        elif shape < 0.77:
            common["target_group"] = rng.choice(TARGETS)
        elif shape < 0.84:
            common["free"] = "true"
        elif shape < 0.90:
            common["step_free"] = "true"
        elif shape < 0.95:
            first = (today.replace(day=1) + timedelta(days=32 * rng.randint(1, 10))).replace(day=1)
            common["from"] = first.isoformat()
            common["to"] = (first + timedelta(days=31)).replace(day=1).isoformat()
        else:
            common["q"] = rng.choice(["sprachcafé", "fest", "ausbildung", "kochkurs"])
        page_number = rng.choice([1, 1, 1, 2, 3, 5])
        api_params = dict(common, page=str(page_number)) if page_number > 1 else dict(common)
        api.append(f"/api/v1/cities/{essen.slug}/events?{urlencode(api_params)}".rstrip("?"))
        # The page names its filters as the form does (start/end dates; district and Stadtteil by id).
        form = {k: v for k, v in common.items() if k not in ("from", "to", "district", "neighbourhood")}
        if "from" in common:
            form["start"] = common["from"]
            form["end"] = (date.fromisoformat(common["to"]) - timedelta(days=1)).isoformat()
        if "district" in common:
            form["district"] = str(District.objects.get(city=essen, number=common["district"]).pk)
        if "neighbourhood" in common:
            form["neighbourhood"] = str(dict(neighbourhoods)[int(common["neighbourhood"])])
        if page_number > 1:
            form["page"] = str(page_number)
        page.append(f"/de/veranstaltungen/?{urlencode(form)}".rstrip("?"))
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "events-api.txt").write_text("\n".join(api) + "\n")
    (directory / "events-page.txt").write_text("\n".join(page) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cities", type=int, default=1)
    parser.add_argument("--per-city", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--write-queries", metavar="DIR")
    args = parser.parse_args()
    essen = City.objects.get(slug="essen")
    cities = [essen] + [clone_city(essen, n) for n in range(2, args.cities + 1)]
    began = time.perf_counter()
    for i, city in enumerate(cities):
        made = fill_city(city, args.per_city, random.Random(args.seed + i))
        print(f"{city.slug}: {made} events added", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE events_event")
            cursor.execute("VACUUM ANALYZE events_eventoccurrence")
            cursor.execute(
                "ANALYZE"
            )  # the other tables too: stale counts of organisations misled the planner
    total_events = Event.objects.count()
    total_rows = EventOccurrence.objects.count()
    print(
        f"{total_events} events, {total_rows} occurrence rows in the database ({time.perf_counter() - began:.0f} s)"
    )
    if args.write_queries:
        write_queries(Path(args.write_queries), essen, args.seed)


if __name__ == "__main__":
    main()
