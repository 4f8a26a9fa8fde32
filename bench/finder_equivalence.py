"""Check that a changed finder answers exactly like a reference version of quartier/places/finder.py.

Builds both indexes from the same database and compares outcome, places, method and postcode for many points
(uniform around the city, on Stadtteil vertices and edges, next to them, on grid lines) and many texts (every
prefix, suffix and infix of every name and key, words, typos, random strings). Used for the performance
changes recorded in bench/RESULTS.md:

    git show 554d2df:quartier/places/finder.py > /tmp/finder_reference.py
    DJANGO_SETTINGS_MODULE=quartier.settings .venv/bin/python bench/finder_equivalence.py /tmp/finder_reference.py
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quartier.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from shapely.geometry import shape  # noqa: E402

from quartier.places import finder  # noqa: E402
from quartier.places.models import City, Neighbourhood  # noqa: E402


def load_reference(path: str):
    # Loaded as a module of the places package, so that its relative imports resolve.
    spec = importlib.util.spec_from_file_location("quartier.places._finder_reference", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def answer(result) -> tuple:
    how = result.how.value if result.how else None
    return result.outcome.value, tuple(p.id for p in result.places), how, result.postcode


def points(city: City, index, seed: int) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = shape(city.boundary).bounds
    dx, dy = (maxx - minx) * 0.1, (maxy - miny) * 0.1
    lon = rng.uniform(minx - dx, maxx + dx, 600_000)
    lat = rng.uniform(miny - dy, maxy + dy, 600_000)
    result = list(zip(lat.tolist(), lon.tolist(), strict=True))
    for boundary in Neighbourhood.objects.filter(city=city).values_list("boundary", flat=True):
        if not boundary:
            continue
        coords = shapely.get_coordinates(shapely.boundary(shape(boundary)))
        result += [(c[1], c[0]) for c in coords[::3]]  # vertices
        result += [(c[1], c[0]) for c in ((coords[:-1] + coords[1:]) / 2)[::3]]  # on edges
        result += [(c[1] + rng.normal(0, 2e-5), c[0] + rng.normal(0, 3e-5)) for c in coords[::2]]  # beside
    cell = finder.GRID_CELL_M
    for k in range(200_000):  # on the grid's cell borders
        col, row = rng.integers(0, index.ncols), rng.integers(0, index.nrows)
        x = index.gx0 + col * cell + (0 if k % 2 else rng.uniform(0, cell))
        y = index.gy0 + row * cell + (rng.uniform(0, cell) if k % 2 else 0)
        result.append((y / index.ky, x / index.kx))
    return result


def texts(city: City, index, seed: int) -> set[str]:
    rng = random.Random(seed)
    names = []
    for name, alternatives in Neighbourhood.objects.filter(city=city).values_list(
        "name", "alternative_names"
    ):
        names += [name, *(alternatives or [])]
    result: set[str] = set()
    for name in names + list(index.keys):
        for variant in (name, name.lower(), name.upper()):
            for i in range(1, len(variant) + 1):
                result.update((variant[:i], variant[i - 1 :], variant[i // 2 : i]))
            for word in variant.replace("-", " ").split():
                result.update((word, "Essen " + word, word[:3] + " " + word[3:]))
    alphabet = "abcdefghijklmnopqrstuvwxyzäöüß -.'0123456789"
    for _ in range(30_000):
        name = rng.choice(names)
        i = rng.randrange(len(name))
        result.add(name[:i] + rng.choice(alphabet) + name[i + 1 :])
        result.add(name[:i] + name[i + 1 :])
        result.add("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))))
        a, b = rng.choice(names), rng.choice(names)
        result.add(a[: rng.randint(1, len(a))] + " " + b[: rng.randint(1, len(b))])
    return result


def compare(label: str, items, new, old) -> int:
    differences = 0
    outcomes = collections.Counter()
    for item in items:
        a, b = answer(old(*item)), answer(new(*item))
        outcomes[b[0], b[2]] += 1
        if a != b:
            differences += 1
            if differences <= 10:
                print(f"  DIFFERENT {item!r}: reference {a}, changed {b}")
    print(f"{label}: {len(items):,} compared, {differences} different; {dict(outcomes)}")
    return differences


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("reference", help="path of the reference finder.py")
    parser.add_argument("--city", default="essen")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    reference = load_reference(args.reference)
    city = City.objects.get(slug=args.city)
    new, old = finder.build_index(city.pk), reference.build_index(city.pk)
    differences = compare("points", points(city, new, args.seed), new.by_point, old.by_point)
    differences += compare("texts", [(t,) for t in texts(city, new, args.seed)], new.by_text, old.by_text)
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
