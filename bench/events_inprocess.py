"""In-process timings of the events capability: the iCalendar feed of 1,000 events and the printed programme.

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python bench/events_inprocess.py

Each figure is the median of `--runs` requests through Django's test client (the whole request cycle with
middleware, no network), after one untimed request; every run is printed. The baseline is the minimal view
(`/bench/minimal`) in the same run. The feed window is chosen so that exactly 1,000 public events of Essen
match (the window ends at the 1,000th event's first occurrence); the PDF is the demo programme "Begegnungen im
September" (29 events), rendered anew each time (the response has no server-side cache).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from quartier.events.models import Event, Programme  # noqa: E402
from quartier.events.occurrences import BERLIN  # noqa: E402
from quartier.events.selectors import PUBLIC_STATUSES  # noqa: E402
from quartier.places.models import City  # noqa: E402


def timed(client: Client, path: str, runs: int, expect: bytes) -> list[float]:
    first = client.get(path, HTTP_HOST="127.0.0.1")
    assert first.status_code == 200 and expect in first.content[:200_000], (path, first.status_code)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(path, HTTP_HOST="127.0.0.1")
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    return times


def report(label: str, times: list[float], goal_ms: float | None = None, extra: str = "") -> None:
    median = statistics.median(times)
    verdict = (
        "" if goal_ms is None else f"; goal < {goal_ms:.0f} ms: {'met' if median < goal_ms else 'MISSED'}"
    )
    runs = ", ".join(f"{t:.1f}" for t in times)
    print(f"{label}: median {median:.1f} ms (min {min(times):.1f}, max {max(times):.1f}){verdict}{extra}")
    print(f"  runs: {runs}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--pdf-runs", type=int, default=7)
    args = parser.parse_args()
    client = Client()
    essen = City.objects.get(slug="essen")
    report("minimal view (baseline)", timed(client, "/bench/minimal", args.runs, b"ok"))

    today = timezone.now().astimezone(BERLIN).replace(hour=0, minute=0, second=0, microsecond=0)
    starts = (
        Event.objects.filter(city=essen, status__in=PUBLIC_STATUSES, start__gte=today)
        .order_by("start", "pk")
        .values_list("start", flat=True)
    )
    # Events that begin in [today, end); recurring ones that began earlier are included by the feed as well,
    # so the count is checked on the answer itself.
    end = starts[1000]
    query = f"from={today.date().isoformat()}&to={end.astimezone(BERLIN).isoformat()}".replace("+", "%2B")
    path = f"/api/v1/cities/essen/events.ics?{query}"
    body = client.get(path, HTTP_HOST="127.0.0.1").content
    count = body.count(b"BEGIN:VEVENT")
    report(
        f"iCalendar feed, {count} events, {len(body) / 1024:.0f} kB",
        timed(client, path, args.runs, b"VCALENDAR"),
        200,
    )

    programme = Programme.objects.filter(city=essen, slug__startswith="demo-begegnungen-im-september").first()
    pdf_path = f"/de/programme/{programme.slug}/programm.pdf"
    events = programme.events.count()
    report(
        f"programme PDF, {events} events",
        timed(client, pdf_path, args.pdf_runs, b"%PDF-"),
        3000,
    )


if __name__ == "__main__":
    main()
