"""The map of all Stadtteile, drawn by us as SVG from the boundaries: one keyboard-reachable link per area.

Every room's map (finder, district hub, events, offers, suggestions) is drawn by `render_map`."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict

import shapely
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
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


_MAP_CACHE: OrderedDict[tuple, str] = OrderedDict()
_MAP_CACHE_SIZE = 512


def render_map(
    city,
    *,
    selected_ids=(),
    district_ids=(),
    marked_ids=None,
    template="places/includes/map_svg.html",
    link_base="",
):
    """The SVG map with the answer's Stadtteile (aria-current) and their districts highlighted.

    With `marked_ids` (a collection, e.g. the Stadtteile with events) the colours no longer show the districts:
    marked areas are dark, the others light, and the legend says so. The rendered SVG (about 50 links with
    translated names) is kept per process for each language, place-data revision, highlight and template:
    rendering it was most of the home page's time (bench/RESULTS.md). Other pages draw it with their own
    `template`, whose links may start with `link_base`."""
    data = map_geometry(city.pk)
    selected_ids, district_ids = frozenset(selected_ids), frozenset(district_ids)
    marked = None if marked_ids is None else frozenset(marked_ids)
    key = (city.pk, get_language(), data["revision"], selected_ids, district_ids, marked, template, link_base)
    svg = _MAP_CACHE.get(key)
    if svg is None:
        areas = [
            {
                **a,
                "selected": a["id"] in selected_ids,
                "in_district": a["district_id"] in district_ids,
                "marked": marked is not None and a["id"] in marked,
            }
            for a in data["areas"]
        ]
        svg = render_to_string(
            template,
            {
                "map": {"viewbox": data["viewbox"], "areas": areas, "marking": marked is not None},
                "link_base": link_base,
            },
        )
        _MAP_CACHE[key] = svg
        while len(_MAP_CACHE) > _MAP_CACHE_SIZE:
            _MAP_CACHE.popitem(last=False)
    districts = {}
    for a in data["areas"]:
        districts.setdefault(a["district_ordinal"], (a["district_number"], a.get("district_name", "")))
    return {
        "svg": mark_safe(svg),  # noqa: S308 - rendered by our own template with autoescaping
        "marking": marked is not None,
        "has_selection": bool(selected_ids),
        "has_district": bool(district_ids),
        "districts": [
            {"ordinal": o, "number": number, "name": name} for o, (number, name) in sorted(districts.items())
        ],
    }
