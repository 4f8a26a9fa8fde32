"""Bench data for offers (issue #5): 50,000 more offers of 3,000 more organisations in Essen (prefix "bench",
the same uneven generator as the demo), and the query files for wrk.

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python bench/offers_data.py --write DIR

Writes DIR/offers-search.txt (200 API paths: searches with German word forms, umlauts, typos and filters) and
DIR/ideas.lua-bodies (one JSON body per line for POST /funding/similar: the labelled ideas of
tests/funding/data/ideas.json). Idempotent: the offers are made once.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from quartier.offers.demo import create_demo_offers  # noqa: E402
from quartier.offers.models import Offer  # noqa: E402
from quartier.places.models import City, District, Neighbourhood  # noqa: E402

WORDS = [
    "Sprachcafé",
    "sprachcafe",
    "Deutschkurs",
    "Deutschkurse",
    "Kindern",
    "Hausaufgaben",
    "Hausaufgabenhilfr",
    "Beratung",
    "Beratungen",
    "Migrationsbertung",
    "Frauen",
    "Frauentreff",
    "Muetter",
    "Elterncafe",
    "Fußball",
    "Fussball",
    "Schwimmkurs",
    "Jugendtreff",
    "Mädchentreff",
    "Madchentreff",
    "Begegnungscafé",
    "Seniorencafe",
    "Patenschaften",
    "Bewerbung",
    "Jobcafé",
    "Anerkennung",
    "Chor",
    "Theaterwerkstatt",
    "Gesundheit",
    "Smartphone",
    "Computerkurs",
    "Online-Anträge",
    "Krabbelgruppe",
    "Väterfrühstück",
    "Alphabetisierung",
    "Lerncafé",
    "Gymnastik",
    "Boxtraining",
    "Kochtreff",
    "Gemeinschaftsgarten",
]


def search_paths(city, rng: random.Random, n: int = 200) -> list[str]:
    places = list(Neighbourhood.objects.filter(city=city).values_list("number", flat=True))
    districts = list(District.objects.filter(city=city).values_list("number", flat=True))
    paths = []
    for i in range(n):
        query = {"q": rng.choice(WORDS)}
        if i % 4 == 1:
            query["neighbourhood"] = rng.choice(places)
        elif i % 4 == 2:
            query["district"] = rng.choice(districts)
        elif i % 4 == 3:
            query["language"] = rng.choice(["ar", "tr", "uk", "fa"])
        if i % 5 == 0:
            query["free"] = "true"
        if i % 7 == 0:
            query["page"] = 2
        paths.append("/api/v1/cities/essen/offers?" + urlencode(query))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=50_000)
    parser.add_argument("--organisations", type=int, default=3_000)
    parser.add_argument("--write", type=Path, required=True)
    args = parser.parse_args()
    city = City.objects.get(slug="essen")
    started = time.monotonic()
    made = create_demo_offers(
        city, seed=5, organisations=args.organisations, offers=args.offers, prefix="bench"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"bench offers made: {made} in {time.monotonic() - started:.0f} s; offers in Essen now: "
        f"{Offer.objects.filter(city=city).count()}"
    )
    args.write.mkdir(parents=True, exist_ok=True)
    (args.write / "offers-search.txt").write_text("\n".join(search_paths(city, random.Random(5))) + "\n")
    ideas = json.loads((ROOT / "tests/funding/data/ideas.json").read_text())
    bodies = [
        json.dumps(
            {k: idea[k] for k in ("title", "description", "neighbourhoods", "target_groups")},
            ensure_ascii=False,
        )
        for idea in ideas
    ]
    (args.write / "ideas.jsonl").write_text("\n".join(bodies) + "\n")


if __name__ == "__main__":
    main()
