"""The district finder: names, typos, umlaut spellings, partial and ambiguous names, postcodes, points."""

import pytest

from quartier.places import finder
from quartier.places.finder import How, Outcome


def names(result):
    return [p.name for p in result.places]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Rüttenscheid", "Rüttenscheid"),
        ("rüttenscheid", "Rüttenscheid"),
        ("RUETTENSCHEID", "Rüttenscheid"),
        ("Ruttenscheid", "Rüttenscheid"),
        ("  Margarethenhoehe ", "Margarethenhöhe"),
        ("Ueberruhr-Hinsel", "Überruhr-Hinsel"),
        ("uberruhr hinsel", "Überruhr-Hinsel"),
        ("Essen-Steele", "Steele"),
        ("Suedostviertel", "Südostviertel"),
        ("Schoenebeck", "Schönebeck"),
        ("Gerschede", "Gerschede"),
    ],
)
def test_names_in_any_case_and_umlaut_spelling(essen, query, expected):
    result = finder.lookup_text(essen.pk, query)
    assert result.outcome is Outcome.FOUND
    assert names(result) == [expected]
    assert result.how is How.NAME


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Rütenscheid", "Rüttenscheid"),
        ("Frohnhausn", "Frohnhausen"),
        ("Holsterhaussen", "Holsterhausen"),
        ("katernbrg", "Katernberg"),
        ("Kupferdre", "Kupferdreh"),
        ("Bergerhasuen", "Bergerhausen"),
    ],
)
def test_names_with_typos(essen, query, expected):
    result = finder.lookup_text(essen.pk, query)
    assert result.found
    assert names(result)[0] == expected


def test_partial_name_fitting_several_lists_them_all_and_says_they_share_a_contact(essen):
    result = finder.lookup_text(essen.pk, "Altenessen")
    assert result.outcome is Outcome.AMBIGUOUS
    assert names(result) == ["Altenessen-Nord", "Altenessen-Süd"]
    assert result.shared_contact is True


def test_partial_name_across_districts_does_not_claim_a_shared_contact(essen):
    result = finder.lookup_text(essen.pk, "viertel")
    assert result.outcome is Outcome.AMBIGUOUS
    assert set(names(result)) == {"Ostviertel", "Nordviertel", "Westviertel", "Südviertel", "Südostviertel"}
    assert result.shared_contact is True  # all five lie in Stadtbezirk I
    mixed = finder.lookup_text(
        essen.pk, "45133"
    )  # Rüttenscheid (II), Stadtwald (II), Bredeney (IX), Schuir (IX)
    assert mixed.ambiguous and mixed.shared_contact  # II and IX share the vacant post's office
    west = finder.lookup_text(
        essen.pk, "45143"
    )  # Nordviertel, Westviertel (I), Altendorf (III), Bochold (IV)
    assert west.ambiguous and not west.shared_contact


def test_unique_prefix_finds_one(essen):
    result = finder.lookup_text(essen.pk, "borbeck")
    assert names(result) == ["Borbeck-Mitte"]
    assert result.how is How.PARTIAL


def test_postcode_in_one_neighbourhood(essen):
    result = finder.lookup_text(essen.pk, "45144")
    assert result.outcome is Outcome.FOUND
    assert names(result) == ["Frohnhausen"]
    assert result.postcode == "45144"


def test_postcode_spanning_several_neighbourhoods_lists_them(essen):
    result = finder.lookup_text(essen.pk, "45127")
    assert result.outcome is Outcome.AMBIGUOUS
    assert names(result) == ["Stadtkern", "Ostviertel", "Westviertel", "Südviertel"]


def test_known_postcode_without_neighbourhood_data_says_so(essen):
    assert finder.lookup_text(essen.pk, "45276").outcome is Outcome.POSTCODE_WITHOUT_DATA


def test_postcode_of_another_city(essen):
    assert finder.lookup_text(essen.pk, "10115").outcome is Outcome.POSTCODE_UNKNOWN


def test_street_address_gets_a_hint(essen):
    for text in ["Kerckhoffstraße 60", "Rüttenscheider Str. 12", "Limbecker Platz", "12 Am Ruhrufer"]:
        assert finder.lookup_text(essen.pk, text).outcome is Outcome.STREET_ADDRESS, text


def test_unknown_name(essen):
    assert finder.lookup_text(essen.pk, "Gelsenkirchen").outcome is Outcome.NOT_FOUND


def test_official_number(essen):
    assert names(finder.lookup_text(essen.pk, "20")) == ["Gerschede"]
    assert finder.lookup_text(essen.pk, "99").outcome is Outcome.NOT_FOUND


@pytest.mark.parametrize(
    ("lat", "lon", "expected", "district"),
    [
        (51.457115, 7.011484, "Stadtkern", "I"),  # label point from stadtteile.csv
        (51.461452, 6.985211, "Westviertel", "I"),  # inside Westviertel's boundary in stadtteile.geojson
        (51.4335, 7.0043, "Rüttenscheid", "II"),
        (
            51.40,
            6.90,
            None,
            None,
        ),  # some 2 km beyond the city boundary (stadtgrenze.geojson), north-west of Kettwig
    ],
)
def test_points(essen, lat, lon, expected, district):
    result = finder.lookup_point(essen.pk, lat, lon)
    if expected is None:
        assert result.outcome is Outcome.OUTSIDE
        assert names(result) == []
    else:
        assert result.outcome is Outcome.FOUND
        assert names(result) == [expected]
        assert result.places[0].district_number == district


def test_every_label_point_finds_its_own_neighbourhood(essen):
    from quartier.places.models import Neighbourhood

    for n in Neighbourhood.objects.filter(city=essen):
        result = finder.lookup_point(essen.pk, n.label_lat, n.label_lon)
        assert n.name in names(result), n.name


def test_points_outside_the_city(essen):
    for lat, lon in [(52.52, 13.405), (51.50, 6.85), (51.34, 7.0), (0.0, 0.0)]:
        assert finder.lookup_point(essen.pk, lat, lon).outcome is Outcome.OUTSIDE


def test_overlap_answers_both(essen):
    """Gerschede (OSM 2026) and Dellwig (OSM 2016) overlap by some 3,700 m² (SOURCES.md 3.4)."""
    from shapely.geometry import shape

    from quartier.places.models import Neighbourhood

    g = Neighbourhood.objects.get(city=essen, name="Gerschede")
    d = Neighbourhood.objects.get(city=essen, name="Dellwig")
    overlap = shape(g.boundary).intersection(shape(d.boundary))
    point = overlap.representative_point()
    result = finder.lookup_point(essen.pk, point.y, point.x)
    assert result.outcome is Outcome.AMBIGUOUS
    assert set(names(result)) == {"Gerschede", "Dellwig"}


def test_sliver_inside_the_city_takes_the_nearest_neighbourhood_within_100_m(essen):
    import shapely
    from shapely.geometry import shape

    from quartier.places.models import Neighbourhood

    city = shape(essen.boundary)
    union = shapely.union_all([shape(n.boundary) for n in Neighbourhood.objects.filter(city=essen)])
    slivers = city.difference(union)
    parts = [p for p in getattr(slivers, "geoms", [slivers]) if p.area > 0]
    assert parts, "the data has slivers along the city boundary (SOURCES.md 3.4)"
    probe = max(parts, key=lambda p: p.area).representative_point()
    result = finder.lookup_point(essen.pk, probe.y, probe.x)
    assert result.found
    assert result.how is How.NEAREST


def test_vacant_district_still_answers_with_office(essen):
    result = finder.lookup_text(essen.pk, "Kettwig")
    (contact,) = result.places[0].contacts
    assert contact.vacant is True
    assert contact.name is None
    assert contact.office.street == "Kupferdreher Straße 86"
    assert contact.phone == "0201-8851526"


def test_district_comes_from_the_assignment(essen):
    result = finder.lookup_text(essen.pk, "Margarethenhöhe")
    assert result.places[0].district_number == "III"


@pytest.mark.parametrize("bad", ["", "   ", "x" * 201, "x" * 10_000])
def test_invalid_text(essen, bad):
    with pytest.raises(finder.InvalidQuery):
        finder.lookup_text(essen.pk, bad)


@pytest.mark.parametrize(
    ("lat", "lon"), [(91, 7), (-91, 7), (51, 181), (51, -181), (float("nan"), 7), (51, float("inf"))]
)
def test_invalid_points(essen, lat, lon):
    with pytest.raises(finder.InvalidQuery):
        finder.lookup_point(essen.pk, lat, lon)


@pytest.mark.parametrize(
    "hostile",
    [
        "'; DROP TABLE places_neighbourhood; --",
        "<script>alert(1)</script>",
        "%00\x00",
        "../../etc/passwd",
        "🙂" * 50,
    ],
)
def test_hostile_text_is_just_not_found(essen, hostile):
    assert finder.lookup_text(essen.pk, hostile).outcome in (Outcome.NOT_FOUND, Outcome.STREET_ADDRESS)


def test_index_follows_changes_to_place_data(essen):
    from quartier.places.models import Neighbourhood

    assert finder.lookup_text(essen.pk, "Kettwig").found
    kettwig = Neighbourhood.objects.get(city=essen, name="Kettwig")
    kettwig.alternative_names = ["Kettwig an der Ruhr"]
    kettwig.save()
    assert names(finder.lookup_text(essen.pk, "Kettwig an der Ruhr")) == ["Kettwig"]
