"""The map of all Stadtteile, drawn by us as SVG from the boundaries: one keyboard-reachable link per area."""

from __future__ import annotations

import math
import threading

import shapely
from shapely.geometry import shape

from .models import Neighbourhood
from .signals import places_version

SIMPLIFY_M = 12.0
WIDTH = 1000.0

_lock = threading.Lock()
_cache: dict[int, tuple[str, dict]] = {}


def _ring_path(coords, fx, fy) -> str:
    points = [f"{fx(x):.1f} {fy(y):.1f}" for x, y in coords[:-1]]
    return "M" + "L".join(points) + "Z"


def map_geometry(city_id: int) -> dict:
    """SVG path data and label points per neighbourhood id, built once per place-data version."""
    version = places_version(city_id)
    hit = _cache.get(city_id)
    if hit and hit[0] == version:
        return hit[1]
    with _lock:
        rows = list(
            Neighbourhood.objects.filter(city_id=city_id, boundary__isnull=False)
            .select_related("district")
            .order_by("number", "name")
        )
        if not rows:
            data = {"viewbox": "0 0 1 1", "areas": [], "revision": version}
            _cache[city_id] = (version, data)
            return data
        geoms = [shape(n.boundary) for n in rows]
        minx, miny, maxx, maxy = shapely.union_all(geoms).bounds
        lat0 = (miny + maxy) / 2
        kx = math.cos(math.radians(lat0))
        scale = WIDTH / ((maxx - minx) * kx)
        height = (maxy - miny) * scale

        def fx(x):
            return (x - minx) * kx * scale

        def fy(y):
            return (maxy - y) * scale

        tolerance = SIMPLIFY_M / 111_000
        areas = []
        for n, geom in zip(rows, geoms, strict=True):
            simple = shapely.simplify(geom, tolerance, preserve_topology=True)
            polygons = getattr(simple, "geoms", [simple])
            d = "".join(
                _ring_path(list(p.exterior.coords), fx, fy)
                + "".join(_ring_path(list(r.coords), fx, fy) for r in p.interiors)
                for p in polygons
            )
            point = (
                geom.representative_point()
                if n.label_lon is None
                else shapely.Point(n.label_lon, n.label_lat)
            )
            areas.append(
                {
                    "id": n.id,
                    "slug": n.slug,
                    "name": n.name,
                    "number": n.number,
                    "district_id": n.district_id,
                    "district_number": n.district.number,
                    "district_ordinal": n.district.ordinal,
                    "district_name": n.district.name,
                    "d": d,
                    "label_x": round(fx(point.x), 1),
                    "label_y": round(fy(point.y), 1),
                }
            )
        data = {"viewbox": f"0 0 {WIDTH:.0f} {height:.0f}", "areas": areas, "revision": version}
        _cache[city_id] = (version, data)
        return data
