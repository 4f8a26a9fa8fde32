"""Load a city's reference data (boundaries, Stadtteile, postcodes, population, offices, contacts) idempotently."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_noop

from quartier.core.audit import audit_record, model_changes

from .models import (
    City,
    Contact,
    District,
    DistrictOffice,
    Neighbourhood,
    OperatorInformation,
    PlaceSource,
    Postcode,
    PostcodeNeighbourhood,
)

ROMAN = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
    "XI": 11,
    "XII": 12,
    "XIII": 13,
    "XIV": 14,
    "XV": 15,
    "XVI": 16,
    "XVII": 17,
    "XVIII": 18,
    "XIX": 19,
    "XX": 20,
}


# Role names that occur in reference data, so that they are extracted for translation.
KNOWN_ROLES = [gettext_noop("Integrationskoordination")]


class ReferenceDataError(Exception):
    """The reference data is missing or inconsistent; nothing was changed."""


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, outcome: str) -> None:
        bucket = getattr(self, outcome)
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _read_json(path: Path):
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def manifest_for(slug: str) -> tuple[dict, Path]:
    folder = settings.REFERENCE_DATA_DIR / slug
    path = folder / "city.json"
    if not path.exists():
        raise ReferenceDataError(f"no manifest for city {slug!r} at {path}")
    return _read_json(path), folder


def _upsert(model, report: LoadReport, kind: str, lookup: dict, values: dict, *, keep_if_empty=()):
    """Create or update one row; fields in keep_if_empty are not blanked when the data has no value."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean(validate_unique=False, validate_constraints=False)
        instance.save()
        report.count(kind, "created")
        audit_record(
            actor=None, action=f"{kind}.loaded", target=instance, changes=model_changes(None, instance)
        )
        return instance
    before = model.objects.get(pk=instance.pk)
    for name, value in values.items():
        if name in keep_if_empty and value in ("", None):
            continue
        setattr(instance, name, value)
    changes = model_changes(before, instance)
    if changes:
        instance.save()
        report.count(kind, "updated")
        audit_record(actor=None, action=f"{kind}.reloaded", target=instance, changes=changes)
    else:
        report.count(kind, "unchanged")
    return instance


def _set_m2m(manager, objects, report: LoadReport, kind: str) -> None:
    wanted = {o.pk for o in objects}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(objects)
        report.count(f"{kind} links", "updated")


def _set_reference_pairs(postcode: Postcode, neighbourhoods, report: LoadReport) -> None:
    """Keep the reference pairs of a postcode in step with the data; pairs the city added stay, and one the
    reference data now has too becomes a reference pair."""
    wanted = {n.pk for n in neighbourhoods}
    pairs = {p.neighbourhood_id: p for p in postcode.pairs.all()}
    changed = False
    for neighbourhood_id, pair in pairs.items():
        if pair.source == PlaceSource.REFERENCE and neighbourhood_id not in wanted:
            pair.delete()
            changed = True
        elif pair.source != PlaceSource.REFERENCE and neighbourhood_id in wanted:
            pair.source = PlaceSource.REFERENCE
            pair.save(update_fields=["source"])
            changed = True
    for neighbourhood_id in wanted - set(pairs):
        PostcodeNeighbourhood.objects.create(
            postcode=postcode, neighbourhood_id=neighbourhood_id, source=PlaceSource.REFERENCE
        )
        changed = True
    if changed:
        report.count("postcode links", "updated")


def _geometry(feature: dict) -> dict:
    geometry = feature["geometry"]
    return {"type": geometry["type"], "coordinates": geometry["coordinates"]}


def load_city(
    slug: str, *, source: Path | None = None, progress: Callable[[str], None] = lambda _m: None
) -> LoadReport:
    """Load or refresh one city from its reference folder; one transaction, so a bad file changes nothing."""
    manifest, folder = manifest_for(slug)
    data_dir = Path(source) if source else folder
    files = manifest["files"]

    def path(key: str) -> Path:
        p = data_dir / files[key]
        if not p.exists():
            raise ReferenceDataError(f"missing reference file {p}")
        return p

    report = LoadReport()
    with transaction.atomic():
        progress(f"City {manifest['name']}")
        boundary = _read_json(path("city_boundary"))["features"][0]
        city = _upsert(
            City,
            report,
            "city",
            {"slug": manifest["slug"]},
            {
                "name": manifest["name"],
                "boundary": _geometry(boundary),
                "attributions": manifest.get("attributions", []),
                "reference_notes": manifest.get("known_gaps", []),
                "fallback_team_name": manifest.get("fallback_team", {}).get("name", ""),
            },
            keep_if_empty=("fallback_team_name",),
        )
        if not City.objects.filter(is_default=True).exists():
            City.objects.filter(pk=city.pk).update(is_default=True)
        OperatorInformation.objects.get_or_create(city=city)

        progress("Districts")
        district_shapes = {
            f["properties"]["stadtbezirk"]: f for f in _read_json(path("district_boundaries"))["features"]
        }
        rows = _read_csv(path("neighbourhoods"))
        numerals = sorted(
            {r["stadtbezirk"] for r in rows} | set(district_shapes), key=lambda n: ROMAN.get(n, 99)
        )
        districts: dict[str, District] = {}
        for numeral in numerals:
            if numeral not in ROMAN:
                raise ReferenceDataError(f"unknown district numeral {numeral!r}")
            feature = district_shapes.get(numeral)
            districts[numeral] = _upsert(
                District,
                report,
                "district",
                {"city": city, "number": numeral},
                {
                    "ordinal": ROMAN[numeral],
                    "name": manifest.get("district_name_pattern", "{number}").format(number=numeral),
                    "boundary": _geometry(feature) if feature else None,
                },
            )

        progress("Neighbourhoods")
        shapes = {
            int(f["properties"]["number"]): f
            for f in _read_json(path("neighbourhood_boundaries"))["features"]
        }
        population = (
            {int(r["stadtteil_number"]): r for r in _read_csv(path("population"))}
            if "population" in files
            else {}
        )
        neighbourhoods: dict[int, Neighbourhood] = {}
        for row in rows:
            number = int(row["number"])
            feature = shapes.get(number)
            if feature is None:
                raise ReferenceDataError(f"no boundary for Stadtteil {number} {row['name']}")
            alternatives = []
            wiki = (feature["properties"].get("wikipedia") or "").removeprefix("de:")
            wiki = wiki.replace(" (Essen)", "").replace(f" ({manifest['name']})", "")
            if wiki and wiki != row["name"]:
                alternatives.append(wiki)
            pop = population.get(number, {})
            neighbourhoods[number] = _upsert(
                Neighbourhood,
                report,
                "neighbourhood",
                {"city": city, "number": number},
                {
                    "name": row["name"],
                    "slug": slugify(
                        row["name"]
                        .replace("ß", "ss")
                        .replace("ä", "ae")
                        .replace("ö", "oe")
                        .replace("ü", "ue")
                        .replace("Ü", "Ue")
                        .replace("Ä", "Ae")
                        .replace("Ö", "Oe")
                    ),
                    "district": districts[row["stadtbezirk"]],
                    "alternative_names": alternatives,
                    "boundary": _geometry(feature),
                    "label_lon": float(row["label_lon"]) if row.get("label_lon") else None,
                    "label_lat": float(row["label_lat"]) if row.get("label_lat") else None,
                    "area_km2": float(row["area_km2_osm"]) if row.get("area_km2_osm") else None,
                    "population": int(pop["einwohner"]) if pop.get("einwohner") else None,
                    "population_date": pop.get("stichtag", "") if pop.get("einwohner") else "",
                },
            )
        progress(f"  {len(neighbourhoods)} Stadtteile")

        progress("Postcodes")
        links: dict[str, list[Neighbourhood]] = {}
        for row in _read_csv(path("postcode_neighbourhoods")):
            number = int(row["stadtteil_number"])
            if number not in neighbourhoods:
                raise ReferenceDataError(f"postcode {row['plz']} names unknown Stadtteil {number}")
            links.setdefault(row["plz"], []).append(neighbourhoods[number])
        codes = [r["plz"] for r in _read_csv(path("postcodes"))]
        for code in sorted(set(codes) | set(links)):
            postcode = _upsert(
                Postcode, report, "postcode", {"city": city, "code": code}, {"source": PlaceSource.REFERENCE}
            )
            _set_reference_pairs(postcode, links.get(code, []), report)
        progress(f"  {len(codes)} Postleitzahlen, {sum(map(len, links.values()))} Zuordnungen")

        progress("Offices and contacts")
        offices: dict[str, DistrictOffice] = {}
        for row in _read_csv(path("offices")):
            office = _upsert(
                DistrictOffice,
                report,
                "office",
                {"city": city, "key": row["office_key"]},
                {
                    "name": row["name"],
                    "street": row["street"],
                    "postal_code": row["postal_code"],
                    "locality": row["city"],
                    "phone": row["phone"],
                    "email": row["email"],
                    "opening_hours": row["opening_hours"],
                },
                keep_if_empty=("phone", "email", "opening_hours"),
            )
            _set_m2m(
                office.districts, [districts[n] for n in row["districts"].split("|") if n], report, "office"
            )
            offices[row["office_key"]] = office
        for row in _read_csv(path("contacts")):
            if row["office_key"] not in offices:
                raise ReferenceDataError(f"contact refers to unknown office {row['office_key']!r}")
            vacant = row["vacant"].lower() == "true"
            contact = _upsert(
                Contact,
                report,
                "contact",
                {"city": city, "source_key": f"{row['office_key']}:{row['districts']}"},
                {
                    "name": "" if vacant else row["name"],
                    "vacant": vacant,
                    "role": row.get("role", ""),
                    "office": offices[row["office_key"]],
                },
            )
            _set_m2m(
                contact.districts, [districts[n] for n in row["districts"].split("|") if n], report, "contact"
            )
    return report
