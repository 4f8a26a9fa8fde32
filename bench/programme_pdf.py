"""Timings of the printed programme (issue point 7): the demo programme "Begegnungen im September" (29 events).

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python bench/programme_pdf.py [--runs 5]

Needs the demo data (`load_city essen`, `load_demo --city essen --scale city`). In one run it measures:
- the baseline: the minimal view (`/bench/minimal`) through Django's test client;
- a first render in a fresh process, with the shared font directory emptied first (cold) and then kept (warm);
- renders in this process without the cache (`pdf.programme_pdf`, what a cache miss does), per language;
- the PDF view through the test client with the cache on: first request (miss), then hits.
Every run is printed; the figure reported is the median. The load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import translation  # noqa: E402

from quartier.events import pdf  # noqa: E402
from quartier.events.models import Programme  # noqa: E402

logging.disable(logging.INFO)
FIRST_RENDER = """
import os, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
began = time.perf_counter()
import django; django.setup()
import logging; logging.disable(logging.INFO)
from django.utils import translation
from quartier.events import pdf
from quartier.events.models import Programme
p = Programme.objects.get(pk={pk})
t = time.perf_counter()
with translation.override("ar"):
    pdf.programme_pdf(p, base_url_for_links="https://example.org/")
print(f"{{(time.perf_counter() - t) * 1000:.0f}}")
"""


def show(label: str, times: list[float], goal_ms: float | None = None) -> None:
    median = statistics.median(times)
    verdict = (
        "" if goal_ms is None else f"; goal < {goal_ms:.0f} ms: {'met' if median < goal_ms else 'MISSED'}"
    )
    print(f"{label}: median {median:.0f} ms (min {min(times):.0f}, max {max(times):.0f}){verdict}")
    print("  runs: " + ", ".join(f"{t:.0f}" for t in times))


def first_render(programme: Programme, *, cold: bool) -> float:
    if cold:
        shutil.rmtree(Path(tempfile.gettempdir()) / f"quartier-fonts-{os.getuid()}", ignore_errors=True)
    code = FIRST_RENDER.format(root=str(ROOT), pk=programme.pk)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    programme = Programme.objects.filter(slug__startswith="demo-begegnungen-im-september").first()
    assert programme is not None, "load the demo data first"
    print(f"programme: {programme.title}, {programme.events.count()} events")

    client = Client()
    times = []
    for _ in range(args.runs * 4):
        began = time.perf_counter()
        assert client.get("/bench/minimal", HTTP_HOST="127.0.0.1").status_code == 200
        times.append((time.perf_counter() - began) * 1000)
    show("minimal view (baseline)", times)

    show(
        "first render in a new process, fonts not yet decompressed (ar)", [first_render(programme, cold=True)]
    )
    show(
        "first render in a new process, fonts decompressed by an earlier process (ar)",
        [first_render(programme, cold=False) for _ in range(max(2, args.runs // 2))],
        3000,
    )

    for language in ("de", "ar", "en"):
        times = []
        with translation.override(language):
            pdf.programme_pdf(programme, base_url_for_links="https://example.org/")  # warm this process
            for _ in range(args.runs):
                began = time.perf_counter()
                data = pdf.programme_pdf(programme, base_url_for_links="https://example.org/")
                times.append((time.perf_counter() - began) * 1000)
        show(f"render without cache, {language}, {len(data) // 1024} KiB", times, 3000)

    settings.LIST_CACHE_SECONDS = max(settings.LIST_CACHE_SECONDS, 60)
    cache.clear()
    path = f"/ar/programme/{programme.slug}/programm.pdf"
    began = time.perf_counter()
    response = client.get(path, HTTP_HOST="127.0.0.1")
    miss = (time.perf_counter() - began) * 1000
    kind = "PDF" if response["Content-Type"] == "application/pdf" else "'being prepared' page"
    print(f"PDF view, first request (cache miss): {miss:.0f} ms, answered with the {kind}")
    deadline = time.monotonic() + 60
    while response["Content-Type"] != "application/pdf" and time.monotonic() < deadline:
        time.sleep(0.2)
        response = client.get(path, HTTP_HOST="127.0.0.1")
    times = []
    for _ in range(args.runs * 4):
        began = time.perf_counter()
        response = client.get(path, HTTP_HOST="127.0.0.1")
        times.append((time.perf_counter() - began) * 1000)
        assert response["Content-Type"] == "application/pdf"
    show("PDF view, cache hit (ar)", times, 3000)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
