"""The district finder: from a name, a postcode or a point to the Stadtteil, its district and its contacts.

The index for a city is built once per process from the database and kept in memory (decision 0005: shapely 2
for point-in-polygon, rapidfuzz for names). Points are answered from a precomputed grid where a grid cell lies
wholly inside one Stadtteil; only cells on a border fall back to exact geometry.
"""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import shapely
from django.conf import settings
from rapidfuzz import fuzz, process
from shapely.geometry import shape

from quartier.core.text import normalise

from .models import City, Contact, Neighbourhood, Postcode
from .signals import places_version

SLIVER_TOLERANCE_M = 100.0
MAX_QUERY_LENGTH = 200
GRID_CELL_M = 60.0
GRID_MARGIN_M = 1.0
FUZZY_CUTOFF = 78.0


class Outcome(StrEnum):
    FOUND = "found"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"
    OUTSIDE = "outside"
    POSTCODE_WITHOUT_DATA = "postcode_without_data"
    POSTCODE_UNKNOWN = "postcode_unknown"
    STREET_ADDRESS = "street_address"


class How(StrEnum):
    NAME = "name"
    PARTIAL = "partial"
    FUZZY = "fuzzy"
    POSTCODE = "postcode"
    POINT = "point"
    NEAREST = "nearest"
    NUMBER = "number"


@dataclass(frozen=True, slots=True)
class Office:
    name: str
    street: str
    postal_code: str
    locality: str
    phone: str
    email: str
    opening_hours: str


@dataclass(frozen=True, slots=True)
class ContactInfo:
    id: int
    name: str | None
    vacant: bool
    role: str
    phone: str
    email: str
    office: Office


@dataclass(frozen=True, slots=True)
class Place:
    """A neighbourhood with everything the finder answers about it."""

    id: int
    number: int | None
    name: str
    slug: str
    district_id: int
    district_number: str
    district_name: str
    contacts: tuple[ContactInfo, ...]
    api: dict = field(compare=False, hash=False, repr=False)


@dataclass(frozen=True, slots=True)
class Lookup:
    outcome: Outcome
    places: tuple[Place, ...] = ()
    how: How | None = None
    postcode: str | None = None

    @property
    def found(self) -> bool:
        return self.outcome in (Outcome.FOUND, Outcome.AMBIGUOUS)

    @property
    def ambiguous(self) -> bool:
        return self.outcome is Outcome.AMBIGUOUS

    @property
    def shared_contact(self) -> bool:
        """True when several matches are all served by the same contact(s)."""
        if len(self.places) < 2:
            return False
        first = {c.id for c in self.places[0].contacts}
        return bool(first) and all({c.id for c in p.contacts} == first for p in self.places[1:])


_OUTSIDE = Lookup(Outcome.OUTSIDE)


class InvalidQuery(ValueError):
    """The input cannot be a place at all (empty, too long, coordinates out of range)."""


_POSTCODE = re.compile(r"^\d{5}$")
_NUMBER = re.compile(r"^\d{1,3}$")
_COORDS = re.compile(r"^\s*(-?\d{1,3}(?:[.]\d+)?)\s*[,; ]\s*(-?\d{1,3}(?:[.]\d+)?)\s*$")
_STREET_WORD = re.compile(
    r"(stra(ss|ß)e|str\.?$|str\.? |weg\b|platz\b|allee\b|gasse\b|ring\b|ufer\b|damm\b|pfad\b|chaussee\b|steig\b"
    r"|kamp\b|twiete\b|wall\b|markt\b)",
    re.IGNORECASE,
)
_HOUSE_NUMBER = re.compile(r"[a-zäöüß.]\s+\d{1,4}\s*[a-z]?\s*$|^\d{1,4}\s*[a-z]?\s+[a-zäöüß]", re.IGNORECASE)
_CITY_PREFIX = re.compile(r"^(essen)\s+(?=\S)")


def _fold_plain(text: str) -> str:
    """Second fold for umlauts typed without their e ('Uberruhr', 'Schonebeck')."""
    return normalise(
        text.replace("ä", "a")
        .replace("ö", "o")
        .replace("ü", "u")
        .replace("Ä", "A")
        .replace("Ö", "O")
        .replace("Ü", "U")
    )


def looks_like_street_address(text: str) -> bool:
    return bool(_STREET_WORD.search(text) or _HOUSE_NUMBER.search(text))


class CityIndex:
    """Everything the finder needs for one city, in memory."""

    def __init__(
        self,
        *,
        city_id: int,
        places: list[Place],
        geometries: list,
        city_boundary,
        postcodes: dict[str, list[int]],
        alternative_names: dict[int, list[str]],
        built_at: float,
    ):
        self.city_id = city_id
        self.places = places
        self.built_at = built_at
        self._by_id = {p.id: i for i, p in enumerate(places)}
        self.by_number = {p.number: p for p in places if p.number is not None}
        self.postcodes = {
            code: tuple(places[self._by_id[pid]] for pid in ids) for code, ids in postcodes.items()
        }
        self._build_names(alternative_names)
        self._build_geometry(geometries, city_boundary)

    # names -----------------------------------------------------------------------------------------------
    def _build_names(self, alternative_names: dict[int, list[str]]) -> None:
        self.exact: dict[str, list[int]] = {}
        for i, place in enumerate(self.places):
            for name in [place.name, *alternative_names.get(place.id, [])]:
                for key in {normalise(name), _fold_plain(name)}:
                    if key and i not in self.exact.setdefault(key, []):
                        self.exact[key].append(i)
        self.keys = list(self.exact)

    def by_text(self, text: str) -> Lookup:
        key = normalise(text)
        stripped = _CITY_PREFIX.sub("", key)
        if stripped:
            key = stripped
        if not key:
            return Lookup(Outcome.NOT_FOUND)
        hits = self.exact.get(key) or self.exact.get(_fold_plain(text))
        if hits:
            return self._answer(hits, How.NAME)
        partial: list[int] = []
        # A candidate matches when it or one of its words starts with the key. Keys and candidates are both
        # normalised (only a-z, 0-9 and single inner spaces), so a word starts with a key without spaces
        # exactly where " " + key occurs, and no word starts with a key that has a space.
        word_start = None if " " in key else " " + key
        for candidate in self.keys:
            if candidate.startswith(key) or (word_start is not None and word_start in candidate):
                partial.extend(i for i in self.exact[candidate] if i not in partial)
        if not partial and len(key) >= 4:
            partial = []
            for candidate in self.keys:
                if key in candidate:
                    partial.extend(i for i in self.exact[candidate] if i not in partial)
        if partial:
            return self._answer(partial, How.PARTIAL)
        best = process.extract(key, self.keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5)
        if best:
            top = best[0][1]
            chosen: list[int] = []
            for candidate, score, _ in best:
                if score >= top - 3:
                    chosen.extend(i for i in self.exact[candidate] if i not in chosen)
            return self._answer(chosen, How.FUZZY)
        return Lookup(Outcome.NOT_FOUND)

    def _answer(self, indices: list[int], how: How, postcode: str | None = None) -> Lookup:
        places = tuple(self.places[i] for i in indices)
        outcome = Outcome.FOUND if len(places) == 1 else Outcome.AMBIGUOUS
        return Lookup(outcome, places, how, postcode)

    def by_postcode(self, code: str, known_codes: set[str]) -> Lookup:
        places = self.postcodes.get(code)
        if places:
            return Lookup(
                Outcome.FOUND if len(places) == 1 else Outcome.AMBIGUOUS, places, How.POSTCODE, code
            )
        if code in known_codes:
            return Lookup(Outcome.POSTCODE_WITHOUT_DATA, postcode=code)
        return Lookup(Outcome.POSTCODE_UNKNOWN, postcode=code)

    # geometry --------------------------------------------------------------------------------------------
    def _build_geometry(self, geometries: list, city_boundary) -> None:
        bounds = city_boundary.bounds if city_boundary is not None else shapely.union_all(geometries).bounds
        self.lat0 = (bounds[1] + bounds[3]) / 2
        self.kx = 111_320.0 * math.cos(math.radians(self.lat0))
        self.ky = 110_574.0

        factors = np.array([self.kx, self.ky])

        def to_metres(geometry):
            return shapely.transform(geometry, lambda coords: coords * factors)

        self.geoms = [to_metres(g) for g in geometries]
        for g in self.geoms:
            shapely.prepare(g)
        self.tree = shapely.STRtree(self.geoms)
        self.boundary = (
            to_metres(city_boundary) if city_boundary is not None else shapely.union_all(self.geoms)
        )
        shapely.prepare(self.boundary)
        # The grid: each cell holds the place index when it lies wholly inside the city and one Stadtteil,
        # -1 when it lies wholly outside the city, -2 when it needs the exact test.
        minx, miny, maxx, maxy = self.boundary.bounds
        self.gx0, self.gy0 = minx, miny
        self.ncols = max(1, math.ceil((maxx - minx) / GRID_CELL_M))
        self.nrows = max(1, math.ceil((maxy - miny) / GRID_CELL_M))
        xs = minx + np.arange(self.ncols) * GRID_CELL_M
        ys = miny + np.arange(self.nrows) * GRID_CELL_M
        gx, gy = np.meshgrid(xs, ys)
        boxes = shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + GRID_CELL_M, gy.ravel() + GRID_CELL_M)
        state = np.full(boxes.shape, -2, dtype=np.int32)
        inside_city = shapely.contains(self.boundary, boxes)
        touches_city = shapely.intersects(self.boundary, boxes)
        state[~touches_city] = -1
        hits = np.zeros(boxes.shape, dtype=np.int32)
        owner = np.full(boxes.shape, -2, dtype=np.int32)
        box_idx, geom_idx = self.tree.query(boxes, predicate="intersects")
        np.add.at(hits, box_idx, 1)
        single = inside_city & (hits == 1)
        candidate_box = box_idx[single[box_idx]]
        candidate_geom = geom_idx[single[box_idx]]
        contained = shapely.contains(
            np.asarray(self.geoms, dtype=object)[candidate_geom], boxes[candidate_box]
        )
        owner[candidate_box[contained]] = candidate_geom[contained]
        pure = owner >= 0
        state[pure] = owner[pure]
        self.grid = state.tolist()
        self.grid_pure_share = float(pure.sum()) / max(1, int(touches_city.sum()))
        # One shared answer per Stadtteil for grid hits (Lookup is immutable).
        self._grid_answers = [Lookup(Outcome.FOUND, (p,), How.POINT) for p in self.places]
        # Border cells: whether the cell lies in the city's interior (then the boundary test is skipped) and
        # the Stadtteile that can contain a point of the cell. Both come from the cell grown by
        # GRID_MARGIN_M, so a point that rounding puts just outside its cell is still covered: the flag is
        # conservative and the candidates are a superset of what an exact STRtree query would return.
        border = np.flatnonzero(state == -2)
        grown = shapely.box(
            gx.ravel()[border] - GRID_MARGIN_M,
            gy.ravel()[border] - GRID_MARGIN_M,
            gx.ravel()[border] + GRID_CELL_M + GRID_MARGIN_M,
            gy.ravel()[border] + GRID_CELL_M + GRID_MARGIN_M,
        )
        interior = shapely.contains_properly(self.boundary, grown)
        cell_idx, cand_idx = self.tree.query(grown, predicate="intersects")
        order = np.lexsort((cand_idx, cell_idx))
        cell_idx, cand_idx = cell_idx[order], cand_idx[order]
        starts = np.searchsorted(cell_idx, np.arange(len(border) + 1))
        geoms = np.asarray(self.geoms, dtype=object)
        self._border_cells = {}
        for k, cell in enumerate(border.tolist()):
            cands = cand_idx[starts[k] : starts[k + 1]]
            self._border_cells[cell] = (bool(interior[k]), cands, geoms[cands])

    def by_point(self, lat: float, lon: float) -> Lookup:
        x, y = lon * self.kx, lat * self.ky
        col = int((x - self.gx0) // GRID_CELL_M)
        row = int((y - self.gy0) // GRID_CELL_M)
        if not (0 <= col < self.ncols and 0 <= row < self.nrows):
            return _OUTSIDE
        cell_index = row * self.ncols + col
        cell = self.grid[cell_index]
        if cell >= 0:
            return self._grid_answers[cell]
        if cell == -1:
            return _OUTSIDE
        return self._exact_point(x, y, cell_index)

    def _exact_point(self, x: float, y: float, cell_index: int) -> Lookup:
        interior, candidates, candidate_geoms = self._border_cells[cell_index]
        if not interior and not shapely.contains_xy(self.boundary, x, y):
            return _OUTSIDE
        if len(candidates):
            inside = candidates[shapely.intersects_xy(candidate_geoms, x, y)].tolist()
            if inside:
                return self._answer(inside, How.POINT)
        point = shapely.Point(x, y)
        nearest, distances = self.tree.query_nearest(
            point, max_distance=SLIVER_TOLERANCE_M, return_distance=True, all_matches=True
        )
        if len(nearest):
            order = np.argsort(distances, kind="stable")
            best = distances[order[0]]
            chosen = [int(nearest[k]) for k in order if distances[k] <= best + 1e-6]
            return self._answer(chosen, How.NEAREST)
        return Lookup(Outcome.NOT_FOUND)


# --------------------------------------------------------------------------------------------------------------
# Building and caching the index per process.

_lock = threading.Lock()
_indexes: dict[int, tuple[CityIndex, float, int]] = {}
_known_postcodes: dict[int, set[str]] = {}


def _contact_info(contact) -> ContactInfo:
    office = contact.office
    return ContactInfo(
        id=contact.id,
        name=None if contact.vacant or not contact.name else contact.name,
        vacant=contact.vacant,
        role=contact.role,
        phone=contact.phone or office.phone,
        email=contact.email or office.email,
        office=Office(
            name=office.name,
            street=office.street,
            postal_code=office.postal_code,
            locality=office.locality,
            phone=office.phone,
            email=office.email,
            opening_hours=office.opening_hours,
        ),
    )


def contact_api(contact: ContactInfo) -> dict:
    return {
        "name": contact.name,
        "vacant": contact.vacant,
        "office": {
            "name": contact.office.name,
            "street": contact.office.street,
            "postal_code": contact.office.postal_code,
            "city": contact.office.locality,
            "phone": contact.phone or None,
            "email": contact.email or None,
        },
    }


def build_index(city_id: int) -> CityIndex:
    city = City.objects.get(pk=city_id)
    contacts_by_district: dict[int, list[ContactInfo]] = {}
    for contact in (
        Contact.objects.filter(city_id=city_id).select_related("office").prefetch_related("districts")
    ):
        info = _contact_info(contact)
        for district in contact.districts.all():
            contacts_by_district.setdefault(district.id, []).append(info)
    places, geometries, alternative = [], [], {}
    for n in (
        Neighbourhood.objects.filter(city_id=city_id).select_related("district").order_by("number", "name")
    ):
        if not n.boundary:
            continue
        contacts = tuple(contacts_by_district.get(n.district_id, []))
        api = {
            "neighbourhood": {"number": n.number, "name": n.name},
            "district": {"number": n.district.number, "name": n.district.name},
            "contacts": [contact_api(c) for c in contacts],
        }
        places.append(
            Place(
                n.id,
                n.number,
                n.name,
                n.slug,
                n.district_id,
                n.district.number,
                n.district.name,
                contacts,
                api,
            )
        )
        geometries.append(shape(n.boundary))
        alternative[n.id] = list(n.alternative_names or [])
    postcodes: dict[str, list[int]] = {}
    known: set[str] = set()
    for pc in Postcode.objects.filter(city_id=city_id).prefetch_related("neighbourhoods"):
        known.add(pc.code)
        ids = [n.id for n in pc.neighbourhoods.all() if n.boundary]
        if ids:
            postcodes[pc.code] = sorted(ids, key=lambda i: next(p.number or 0 for p in places if p.id == i))
    _known_postcodes[city_id] = known
    boundary = shape(city.boundary) if city.boundary else None
    return CityIndex(
        city_id=city_id,
        places=places,
        geometries=geometries,
        city_boundary=boundary,
        postcodes=postcodes,
        alternative_names=alternative,
        built_at=time.time(),
    )


def get_index(city_id: int) -> CityIndex:
    """The city's index, rebuilt when the place data changed (checked at most every few seconds)."""
    entry = _indexes.get(city_id)
    now = time.monotonic()
    if entry is not None and now - entry[1] < settings.PLACES_RECHECK_SECONDS:
        return entry[0]

    version = places_version(city_id)
    if entry is not None and entry[2] == version:
        _indexes[city_id] = (entry[0], now, version)
        return entry[0]
    with _lock:
        index = build_index(city_id)
        _indexes[city_id] = (index, now, version)
    return index


def forget_indexes() -> None:
    _indexes.clear()


# --------------------------------------------------------------------------------------------------------------
# The two entry points used by pages and the API.


def lookup_text(city_id: int, text: str) -> Lookup:
    """Find the Stadtteil for what someone typed: a name, a postcode, a number or 'lat, lon'."""
    if text is None or not text.strip():
        raise InvalidQuery("empty")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidQuery("too long")
    text = text.strip()
    index = get_index(city_id)
    if _POSTCODE.match(text):
        return index.by_postcode(text, _known_postcodes.get(city_id, set()))
    if _NUMBER.match(text):
        place = index.by_number.get(int(text))
        return Lookup(Outcome.FOUND, (place,), How.NUMBER) if place else Lookup(Outcome.NOT_FOUND)
    coords = _COORDS.match(text)
    if coords:
        return lookup_point(city_id, float(coords.group(1)), float(coords.group(2)))
    result = index.by_text(text)
    if result.how in (None, How.FUZZY) and looks_like_street_address(text):
        return Lookup(Outcome.STREET_ADDRESS)
    return result


def lookup_point(city_id: int, lat: float, lon: float) -> Lookup:
    """Find the Stadtteil(e) at a WGS84 point by the place lookup rules (decision 0005)."""
    if not (math.isfinite(lat) and math.isfinite(lon)) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidQuery("coordinates out of range")
    return get_index(city_id).by_point(lat, lon)
