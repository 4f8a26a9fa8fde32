"""load_city: Essen's reference data as published, idempotent, a second city from the same kind of files."""

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from quartier.core.models import AuditEntry
from quartier.places.models import City, Contact, District, DistrictOffice, Neighbourhood, Postcode

ESSEN = settings.REFERENCE_DATA_DIR / "essen"


def test_reference_files_are_unchanged_copies_of_the_published_data():
    """Every data file we ship is listed in SHA256SUMS (taken from ../shared/data/essen when copied), and where
    SOURCES.md states a checksum, it is that one."""
    sums = dict(line.split()[::-1] for line in (ESSEN / "SHA256SUMS").read_text().splitlines())
    sources = (ESSEN / "SOURCES.md").read_text(encoding="utf-8")
    stated = dict(re.findall(r"^(\S+\.(?:csv|geojson))\s+([0-9a-f]{64})$", sources, flags=re.M))
    shipped = sorted(p.name for p in ESSEN.iterdir() if p.suffix in {".csv", ".geojson", ".md"})
    assert shipped == sorted(sums)
    for name in shipped:
        digest = hashlib.sha256((ESSEN / name).read_bytes()).hexdigest()
        assert digest == sums[name], name
        if name in stated:
            assert digest == stated[name], name
    assert len([n for n in shipped if n in stated]) == 8


def test_essen_is_loaded_as_published(essen):
    assert District.objects.filter(city=essen).count() == 9
    assert Neighbourhood.objects.filter(city=essen).count() == 50
    assert Postcode.objects.filter(city=essen).count() == 32
    assert DistrictOffice.objects.filter(city=essen).count() == 7
    assert Contact.objects.filter(city=essen).count() == 7
    hinsel = Neighbourhood.objects.get(city=essen, name="Überruhr-Hinsel")  # omitted by the city's page
    assert hinsel.district.number == "VIII" and hinsel.number == 43
    assert Neighbourhood.objects.filter(city=essen, population__isnull=False).count() == 43
    vacant = Contact.objects.get(city=essen, vacant=True)
    assert vacant.name == "" and vacant.display_name == "N.N."
    assert sorted(d.number for d in vacant.districts.all()) == ["II", "IX", "VIII"]
    office_i = DistrictOffice.objects.get(city=essen, key="bezirk-i")
    assert office_i.phone == "" and office_i.email == "" and office_i.opening_hours == ""
    assert essen.fallback_team_name
    assert essen.is_default
    assert Postcode.objects.get(city=essen, code="45276").neighbourhoods.count() == 0


def test_every_neighbourhood_lies_in_its_district_and_has_a_contact(essen):
    for n in Neighbourhood.objects.filter(city=essen).select_related("district"):
        assert n.boundary["type"] == "MultiPolygon"
        assert n.district.contacts.exists(), n.name


def test_loading_again_changes_nothing(essen):
    counts = {
        m: m.objects.count() for m in (City, District, Neighbourhood, Postcode, DistrictOffice, Contact)
    }
    audit_before = AuditEntry.objects.count()
    revision = City.objects.get(pk=essen.pk).places_revision
    out = io.StringIO()
    call_command("load_city", "essen", stdout=out)
    assert "already up to date" in out.getvalue()
    assert {m: m.objects.count() for m in counts} == counts
    assert AuditEntry.objects.count() == audit_before
    assert City.objects.get(pk=essen.pk).places_revision == revision


def test_loading_again_keeps_what_staff_added_where_the_data_is_silent(essen):
    office = DistrictOffice.objects.get(city=essen, key="bezirk-iii")
    office.email = "bezirk-iii@example.org"
    office.opening_hours = "Mo–Fr 9–12 Uhr"
    office.save()
    call_command("load_city", "essen", stdout=io.StringIO())
    office.refresh_from_db()
    assert office.email == "bezirk-iii@example.org"
    assert office.opening_hours == "Mo–Fr 9–12 Uhr"


def test_loading_again_restores_what_the_data_says_and_records_it(essen):
    office = DistrictOffice.objects.get(city=essen, key="bezirk-iii")
    office.street = "Falsche Straße 1"
    office.save()
    out = io.StringIO()
    call_command("load_city", "essen", stdout=out)
    office.refresh_from_db()
    assert office.street == "Kerckhoffstraße 60"
    entry = AuditEntry.objects.filter(action="office.reloaded", target_id=str(office.pk)).latest("created_at")
    assert entry.changes["street"] == ["Falsche Straße 1", "Kerckhoffstraße 60"]
    assert "updated: 1 office" in out.getvalue()


def _write_city(folder: Path, *, bad_contact_office: bool = False) -> None:
    """A tiny made-up city in the same file layout as Essen (test fixture only, never shipped)."""
    folder.mkdir(parents=True)
    square = lambda x0, y0, d: [[[x0, y0], [x0 + d, y0], [x0 + d, y0 + d], [x0, y0 + d], [x0, y0]]]  # noqa: E731
    fc = lambda feats: {"type": "FeatureCollection", "features": feats}  # noqa: E731
    (folder / "grenze.geojson").write_text(
        json.dumps(
            fc(
                [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "Polygon", "coordinates": square(10.0, 50.0, 0.02)},
                    }
                ]
            )
        )
    )
    (folder / "bezirke.geojson").write_text(
        json.dumps(
            fc(
                [
                    {
                        "type": "Feature",
                        "properties": {"stadtbezirk": "I"},
                        "geometry": {"type": "Polygon", "coordinates": square(10.0, 50.0, 0.02)},
                    },
                ]
            )
        )
    )
    (folder / "teile.geojson").write_text(
        json.dumps(
            fc(
                [
                    {
                        "type": "Feature",
                        "properties": {"number": 1, "name": "Altstadt", "wikipedia": None},
                        "geometry": {"type": "MultiPolygon", "coordinates": [square(10.0, 50.0, 0.01)]},
                    },
                    {
                        "type": "Feature",
                        "properties": {"number": 2, "name": "Neustadt", "wikipedia": None},
                        "geometry": {"type": "MultiPolygon", "coordinates": [square(10.01, 50.0, 0.01)]},
                    },
                ]
            )
        )
    )

    def write(name, header, rows):
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)

    write(
        "teile.csv",
        ["number", "name", "stadtbezirk", "area_km2_osm", "label_lon", "label_lat"],
        [[1, "Altstadt", "I", 0.7, 10.005, 50.005], [2, "Neustadt", "I", 0.7, 10.015, 50.005]],
    )
    write("plz.csv", ["plz"], [["99991"], ["99992"]])
    write("plz_teile.csv", ["plz", "stadtteil_number"], [["99991", 1]])
    write(
        "einwohner.csv", ["stadtteil_number", "einwohner", "stichtag"], [[1, 1200, "01.01.2026"], [2, "", ""]]
    )
    write(
        "offices.csv",
        [
            "office_key",
            "name",
            "street",
            "postal_code",
            "city",
            "phone",
            "email",
            "opening_hours",
            "districts",
        ],
        [["mitte", "Bürgerbüro Mitte", "Marktplatz 1", "99991", "Musterstadt", "", "", "", "I"]],
    )
    write(
        "contacts.csv",
        ["name", "vacant", "office_key", "districts", "role"],
        [
            [
                "Erika Muster",
                "false",
                "nirgends" if bad_contact_office else "mitte",
                "I",
                "Integrationskoordination",
            ]
        ],
    )
    (folder / "city.json").write_text(
        json.dumps(
            {
                "slug": folder.name,
                "name": "Musterstadt",
                "fallback_team": {"name": "Zentrale"},
                "files": {
                    "city_boundary": "grenze.geojson",
                    "district_boundaries": "bezirke.geojson",
                    "neighbourhood_boundaries": "teile.geojson",
                    "neighbourhoods": "teile.csv",
                    "postcodes": "plz.csv",
                    "postcode_neighbourhoods": "plz_teile.csv",
                    "population": "einwohner.csv",
                    "offices": "offices.csv",
                    "contacts": "contacts.csv",
                },
                "attributions": [],
                "known_gaps": [],
            }
        )
    )


def test_a_second_city_loads_from_the_same_kind_of_files(essen, tmp_path, settings):
    settings.REFERENCE_DATA_DIR = tmp_path
    _write_city(tmp_path / "musterstadt")
    call_command("load_city", "musterstadt", stdout=io.StringIO())
    city = City.objects.get(slug="musterstadt")
    assert not city.is_default  # Essen stays the default
    assert Neighbourhood.objects.filter(city=city).count() == 2
    from quartier.places import finder

    assert [p.name for p in finder.lookup_text(city.pk, "altstadt").places] == ["Altstadt"]
    assert finder.lookup_text(city.pk, "99992").outcome is finder.Outcome.POSTCODE_WITHOUT_DATA
    assert [p.name for p in finder.lookup_point(city.pk, 50.005, 10.015).places] == ["Neustadt"]
    assert finder.lookup_text(essen.pk, "Altstadt").outcome is finder.Outcome.NOT_FOUND  # cities stay apart


def test_inconsistent_data_changes_nothing(essen, tmp_path, settings):
    settings.REFERENCE_DATA_DIR = tmp_path
    _write_city(tmp_path / "kaputt", bad_contact_office=True)
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("load_city", "kaputt", stdout=io.StringIO())
    assert not City.objects.filter(slug="kaputt").exists()


def test_unknown_city_is_a_clear_error(essen):
    with pytest.raises(CommandError, match="no manifest"):
        call_command("load_city", "atlantis", stdout=io.StringIO())
