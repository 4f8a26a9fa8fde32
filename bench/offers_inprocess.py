"""In-process timings of offers and funding advice (issue #5), one thread, one call per operation:

- the offer search through the API (list cache off: every call reaches the full-text engine), per query kind;
- the similarity panel: `comparison.compare` for each of the 56 labelled ideas, first call per idea (cold
  per-process reading cache for the idea; the candidates' readings warm after the first idea) and again;
- the coverage matrix: `coverage.coverage` for all districts, and the page through Django's test client.

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python bench/offers_inprocess.py

Medians and maxima are printed with every run's count; the baseline is the minimal view in the same run.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ["QUARTIER_LIST_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from quartier.funding import comparison  # noqa: E402
from quartier.offers import coverage  # noqa: E402
from quartier.offers.models import Offer  # noqa: E402
from quartier.places.models import City, Neighbourhood  # noqa: E402


def ms(f) -> float:
    start = time.perf_counter()
    f()
    return (time.perf_counter() - start) * 1000


def report(label: str, times: list[float]) -> None:
    times = sorted(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(
        f"{label:48} n={len(times):4}  median {statistics.median(times):8.1f} ms  p99 {p99:8.1f}  max {times[-1]:8.1f}"
    )


def main() -> None:
    city = City.objects.get(slug="essen")
    print(f"offers in Essen: {Offer.objects.filter(city=city).count()}")
    client = Client()
    report(
        "minimal view", [ms(lambda: client.get("/bench/minimal", HTTP_HOST="127.0.0.1")) for _ in range(50)]
    )
    paths = (
        (Path(os.environ.get("BENCH_TMP", "/tmp/quartier-bench")) / "offers/offers-search.txt")
        .read_text()
        .split()
    )
    for p in paths[:5]:
        client.get(p, HTTP_HOST="127.0.0.1")
    report(
        "offer search API (200 queries)",
        [ms(lambda p=p: client.get(p, HTTP_HOST="127.0.0.1")) for p in paths],
    )
    places = {n.name: n for n in Neighbourhood.objects.filter(city=city)}
    ideas = json.loads((ROOT / "tests/funding/data/ideas.json").read_text())

    def compare(idea):
        return comparison.compare(
            city,
            title=idea["title"],
            description=idea["description"],
            neighbourhoods=[places[n] for n in idea["neighbourhoods"]],
            target_groups=idea["target_groups"],
        )

    report("similarity panel, first time per idea", [ms(lambda i=i: compare(i)) for i in ideas])
    report("similarity panel, again", [ms(lambda i=i: compare(i)) for i in ideas])
    report("coverage matrix, all districts", [ms(lambda: coverage.coverage(city)) for _ in range(20)])
    report(
        "coverage matrix, women",
        [ms(lambda: coverage.coverage(city, target_group="women")) for _ in range(20)],
    )


if __name__ == "__main__":
    main()
