"""In-process finder benchmark: lookups per second through the functions the API calls.

One thread, one call per lookup: `finder.lookup_point(city_id, lat, lon)` for coordinates and
`finder.lookup_text(city_id, text)` for names. The workloads are generated once with a fixed seed and cycled;
the index is warmed (built and one untimed pass) before any timed run; the figure is the median of several runs.

    DJANGO_SETTINGS_MODULE=quartier.settings .venv/bin/python bench/finder_inprocess.py
    ... bench/finder_inprocess.py --profile points     # cProfile of one run instead of the figures
    ... bench/finder_inprocess.py --write-queries var/bench   # the same workloads as URL paths for wrk

Any database with `load_city essen` works (var/quartier.sqlite3 or the bench PostgreSQL): after warm-up the
only database access is the finder's own revision check (one query every PLACES_RECHECK_SECONDS).
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import os
import platform
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quartier.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from shapely.geometry import shape  # noqa: E402

from quartier.places import finder  # noqa: E402
from quartier.places.models import City, Neighbourhood, Postcode  # noqa: E402

GOAL_POINTS = 100_000
GOAL_NAMES = 20_000
BORDER_M = 25.0


# Workloads ----------------------------------------------------------------------------------------------------
def _metres(lat0: float):
    kx = 111_320.0 * np.cos(np.radians(lat0))
    return lambda g: shapely.transform(g, lambda c: c * np.array([kx, 110_574.0]))


def make_points(city: City, count: int, seed: int) -> tuple[list[tuple[float, float]], list]:
    """`count` points uniform in the city's bounding box that lie inside the city (lat, lon), and
    `count // 2` of them within BORDER_M of a Stadtteil border (from a separate stream of the same seed)."""
    boundary = shape(city.boundary)
    shapely.prepare(boundary)
    minx, miny, maxx, maxy = boundary.bounds
    rng = np.random.default_rng(seed)
    inside: list[tuple[float, float]] = []
    while len(inside) < count:
        lon = rng.uniform(minx, maxx, 4096)
        lat = rng.uniform(miny, maxy, 4096)
        keep = shapely.contains_xy(boundary, lon, lat)
        inside.extend(zip(lat[keep].tolist(), lon[keep].tolist(), strict=True))
    inside = inside[:count]

    to_m = _metres((miny + maxy) / 2)
    lines = to_m(
        shapely.union_all(
            [
                shapely.boundary(shape(b))
                for b in Neighbourhood.objects.filter(city=city).values_list("boundary", flat=True)
                if b
            ]
        )
    )
    shapely.prepare(lines)
    border: list[tuple[float, float]] = []
    rng = np.random.default_rng(seed + 1)
    while len(border) < count // 2:
        lon = rng.uniform(minx, maxx, 8192)
        lat = rng.uniform(miny, maxy, 8192)
        keep = shapely.contains_xy(boundary, lon, lat)
        lon, lat = lon[keep], lat[keep]
        pts = to_m(shapely.points(lon, lat))
        near = shapely.dwithin(lines, pts, BORDER_M)
        border.extend(zip(lat[near].tolist(), lon[near].tolist(), strict=True))
    return inside, border[: count // 2]


def _typo(word: str, rng) -> str:
    i = int(rng.integers(1, len(word) - 1))
    kind = int(rng.integers(0, 4))
    if kind == 0:  # dropped letter
        return word[:i] + word[i + 1 :]
    if kind == 1:  # doubled letter
        return word[:i] + word[i] + word[i:]
    if kind == 2:  # swapped neighbours
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + "aeiourstn"[int(rng.integers(0, 9))] + word[i + 1 :]  # wrong letter


def _plain(word: str) -> str:
    return word.translate(str.maketrans("äöüÄÖÜ", "aouAOU"))


def _ue(word: str) -> str:
    return word.translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ü": "Ue", "Ö": "Oe"}))


def make_names(city: City, count: int, seed: int) -> list[tuple[str, str]]:
    """(category, query) pairs: exact names, case/umlaut-folded spellings, typos, partial names, postcodes."""
    rng = np.random.default_rng(seed)
    rows = list(Neighbourhood.objects.filter(city=city).values_list("name", "alternative_names"))
    names = [n for n, _ in rows]
    alternatives = [a for _, alts in rows for a in (alts or [])]
    codes = list(Postcode.objects.filter(city=city).values_list("code", flat=True))

    def pick(seq):
        return seq[int(rng.integers(0, len(seq)))]

    def exact():
        choice = pick(names) if not alternatives or rng.random() < 0.85 else pick(alternatives)
        return f"Essen-{choice}" if rng.random() < 0.1 else choice

    def folded():
        name = pick(names)
        form = int(rng.integers(0, 4))
        return [name.lower(), _ue(name).lower(), _plain(name).lower(), _ue(name).upper()][form]

    def typo():
        name = pick([n for n in names if len(n) >= 6])
        return _typo(name.lower() if rng.random() < 0.5 else name, rng)

    def partial():
        name = pick(names)
        tokens = name.replace("-", " ").split()
        if len(tokens) > 1 and rng.random() < 0.5:
            return pick(tokens)
        return name[: int(rng.integers(4, max(5, min(8, len(name)))))].lower()

    def postcode():
        return pick(codes)

    mix = [("exact", exact, 25), ("folded", folded, 25), ("typo", typo, 20), ("partial", partial, 15)]
    mix.append(("postcode", postcode, 15))
    weights = np.array([w for *_, w in mix], dtype=float)
    kinds = rng.choice(len(mix), size=count, p=weights / weights.sum())
    return [(mix[k][0], mix[k][1]()) for k in kinds]


# Timing -------------------------------------------------------------------------------------------------------
def time_points(city_id: int, work: list[tuple[float, float]]) -> float:
    lookup = finder.lookup_point
    start = time.perf_counter()
    for lat, lon in work:
        lookup(city_id, lat, lon)
    return time.perf_counter() - start


def time_names(city_id: int, work: list[str]) -> float:
    lookup = finder.lookup_text
    start = time.perf_counter()
    for text in work:
        lookup(city_id, text)
    return time.perf_counter() - start


def cycled(items: list, n: int) -> list:
    return (items * (n // len(items) + 1))[:n]


def measure(label: str, fn, city_id: int, work: list, runs: int) -> float:
    fn(city_id, work)  # warm-up pass, untimed
    rates = []
    for _ in range(runs):
        rates.append(len(work) / fn(city_id, work))
    median = statistics.median(rates)
    spread = ", ".join(f"{r / 1000:.1f}k" for r in rates)
    print(f"  {label:<34} {median:>11,.0f}/s {1e6 / median:>8.2f} µs/call   runs: {spread}")
    return median


def outcomes(city_id: int, fn, items: list) -> str:
    counts = collections.Counter(fn(city_id, *args).outcome.value for args in items)
    return ", ".join(f"{k} {v / len(items):.1%}" for k, v in counts.most_common())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--city", default="essen")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--points", type=int, default=10_000, help="distinct random points inside the city")
    parser.add_argument("--names", type=int, default=2_000, help="distinct name queries in the mix")
    parser.add_argument("--calls", type=int, default=200_000, help="calls per timed run (coordinates)")
    parser.add_argument("--name-calls", type=int, default=50_000, help="calls per timed run (names)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", choices=["points", "names"], help="cProfile one run instead")
    parser.add_argument("--write-queries", metavar="DIR", help="write names.txt and points.txt for wrk")
    args = parser.parse_args()

    city = City.objects.get(slug=args.city)
    index = finder.get_index(city.pk)  # builds the index
    points, border = make_points(city, args.points, args.seed)
    named = make_names(city, args.names, args.seed)
    texts = [q for _, q in named]

    if args.write_queries:
        write_queries(Path(args.write_queries), city.slug, points, texts)
        return

    if args.profile:
        work = cycled(points, args.calls) if args.profile == "points" else cycled(texts, args.name_calls)
        fn = time_points if args.profile == "points" else time_names
        fn(city.pk, work)
        profiler = cProfile.Profile()
        profiler.runcall(fn, city.pk, work)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return

    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    exact_share = sum(
        1
        for lat, lon in points
        if index.grid[
            int((lat * index.ky - index.gy0) // finder.GRID_CELL_M) * index.ncols
            + int((lon * index.kx - index.gx0) // finder.GRID_CELL_M)
        ]
        == -2
    ) / len(points)
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs ({cpu}), database {_db()}")
    print(
        f"Index: {len(index.places)} Stadtteile, {len(index.keys)} name keys, "
        f"grid {index.ncols}x{index.nrows} cells of {finder.GRID_CELL_M:.0f} m, "
        f"{index.grid_pure_share:.1%} of city cells answered from the grid"
    )
    print(f"Workloads (seed {args.seed}), {args.runs} timed runs each after one untimed pass; median:")
    print(f"  points: {len(points):,} uniform inside the city ({exact_share:.1%} fall in border cells) — ")
    print(f"          {outcomes(city.pk, finder.lookup_point, points)}")
    print(f"  border: {len(border):,} within {BORDER_M:.0f} m of a Stadtteil border — ")
    print(f"          {outcomes(city.pk, finder.lookup_point, border)}")
    print(f"  names: {len(texts):,} queries " + str(dict(collections.Counter(k for k, _ in named))))
    print(f"         {outcomes(city.pk, finder.lookup_text, [(t,) for t in texts])}")
    print()
    results = {}
    results["points"] = measure(
        "coordinates (uniform in city)", time_points, city.pk, cycled(points, args.calls), args.runs
    )
    results["border"] = measure(
        "coordinates (near borders)", time_points, city.pk, cycled(border, args.calls // 4), args.runs
    )
    results["names"] = measure("names (mix)", time_names, city.pk, cycled(texts, args.name_calls), args.runs)
    for kind in ("exact", "folded", "typo", "partial", "postcode"):
        sub = [q for k, q in named if k == kind]
        measure(f"  names: {kind}", time_names, city.pk, cycled(sub, args.name_calls // 2), args.runs)
    print()
    for label, key, goal in (("coordinates", "points", GOAL_POINTS), ("names", "names", GOAL_NAMES)):
        verdict = "met" if results[key] >= goal else f"missed by {1 - results[key] / goal:.0%}"
        print(
            f"Goal {label}: ≥ {goal:,}/s — {results[key]:,.0f}/s, {results[key] / goal:.2f}× goal: {verdict}"
        )


def write_queries(folder: Path, slug: str, points: list, texts: list) -> None:
    """URL paths of the lookup API, one a line, for bench/lookup.lua: the first 1,000 points and 500 names."""
    folder.mkdir(parents=True, exist_ok=True)
    base = f"/api/v1/cities/{slug}/lookup"
    lines = [f"{base}?lat={lat:.6f}&lon={lon:.6f}" for lat, lon in points[:1000]]
    (folder / "points.txt").write_text("\n".join(lines) + "\n")
    lines = [f"{base}?q={quote(text)}" for text in texts[:500]]
    (folder / "names.txt").write_text("\n".join(lines) + "\n")
    print(f"wrote {folder / 'points.txt'} and {folder / 'names.txt'}")


def _db() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
