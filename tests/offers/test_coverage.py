"""The coverage matrix of offers (Stadtteil × category): hand-counted cells, totals and per-1,000 values, gaps,
filters, the page for each role, bad input, the CSV export and the number of queries.

The fixture, in Stadtbezirk III (rows in official order: Altendorf 7, Frohnhausen 8, Holsterhausen 9, Fulerum 15,
Haarzopf 28, Margarethenhöhe 41) with the three active categories Sprachcafé, Deutschkurs, Beratung:

    A Sprachcafé   Altendorf                 newcomers        de ar
    B Sprachcafé   Frohnhausen               women            de tr
    C Deutschkurs  Altendorf + Frohnhausen   newcomers women  de
    D Deutschkurs  Holsterhausen             youth            de ar
    E Beratung     Fulerum                   families         ar
    F Beratung     Altendorf                 newcomers        de uk
    L Beratung     Fulerum                   seniors          tr
    G Sprachcafé   ganze Stadt (+ Haarzopf)  newcomers        ar
    K Sprachcafé   Schönebeck (IV)           everyone         de
    not counted: H draft (Sprachcafé Fulerum), I stale (Beratung Holsterhausen), J inactive category (Altendorf)

                     pop.    Sprachcafé  Deutschkurs  Beratung  Summe
    Altendorf        20000   1           1            1         3
    Frohnhausen      25000   1           1            0         2
    Holsterhausen    –       0           1            0         1
    Fulerum           5000   0           0            2         2
    Haarzopf         10000   0           0            0         0
    Margarethenhöhe   8000   0           0            0         0
    ganze Stadt              1           0            0         1
    Summe            68000   2           3            3         8
"""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.accounts.models import Role
from quartier.core.spreadsheet import safe_cell
from quartier.offers.coverage import coverage
from quartier.offers.models import Offer, OfferCategory
from quartier.places.models import District, Neighbourhood
from tests.conftest import make_user

from .conftest import make_offer

H = {"HTTP_HOST": "127.0.0.1"}
PAGE = "/de/arbeitsbereich/angebote/abdeckung/"
CSV = "/de/arbeitsbereich/angebote/abdeckung.csv"
ACTIVE = ["language-cafe", "german-course", "counselling"]
III_ROWS = ["Altendorf", "Frohnhausen", "Holsterhausen", "Fulerum", "Haarzopf", "Margarethenhöhe"]
POPULATION = {
    "Altendorf": 20000,
    "Frohnhausen": 25000,
    "Holsterhausen": None,
    "Fulerum": 5000,
    "Haarzopf": 10000,
    "Margarethenhöhe": 8000,
}


@pytest.fixture
def offers(essen, organisation):
    OfferCategory.objects.filter(city=essen).exclude(slug__in=ACTIVE).update(is_active=False)
    for name, population in POPULATION.items():
        Neighbourhood.objects.filter(city=essen, name=name).update(population=population)

    def offer(title, slug, places=(), **extra):
        return make_offer(essen, organisation, title, category_slug=slug, places=places, **extra)

    made = {
        "A": offer(
            "Sprachcafé A",
            "language-cafe",
            ["Altendorf"],
            target_groups=["newcomers"],
            languages=["de", "ar"],
        ),
        "B": offer(
            "Sprachcafé B", "language-cafe", ["Frohnhausen"], target_groups=["women"], languages=["de", "tr"]
        ),
        "C": offer(
            "Deutschkurs C",
            "german-course",
            ["Altendorf", "Frohnhausen"],
            target_groups=["newcomers", "women"],
            languages=["de"],
        ),
        "D": offer(
            "Deutschkurs D",
            "german-course",
            ["Holsterhausen"],
            target_groups=["youth"],
            languages=["de", "ar"],
        ),
        "E": offer("Beratung E", "counselling", ["Fulerum"], target_groups=["families"], languages=["ar"]),
        "F": offer(
            "Beratung F", "counselling", ["Altendorf"], target_groups=["newcomers"], languages=["de", "uk"]
        ),
        "L": offer("Beratung L", "counselling", ["Fulerum"], target_groups=["seniors"], languages=["tr"]),
        # For the whole city, and also assigned to Haarzopf: counted in the citywide row only.
        "G": offer(
            "Sprachcafé G",
            "language-cafe",
            ["Haarzopf"],
            citywide=True,
            target_groups=["newcomers"],
            languages=["ar"],
        ),
        "K": offer(
            "Sprachcafé K", "language-cafe", ["Schönebeck"], target_groups=["everyone"], languages=["de"]
        ),
        "H": offer(
            "Sprachcafé H", "language-cafe", ["Fulerum"], target_groups=["newcomers"], languages=["ar"]
        ),
        "I": offer(
            "Beratung I", "counselling", ["Holsterhausen"], target_groups=["newcomers"], languages=["ar"]
        ),
        "J": offer("Gesundheit J", "health", ["Altendorf"], target_groups=["newcomers"], languages=["ar"]),
    }
    Offer.objects.filter(pk=made["H"].pk).update(status=Offer.Status.DRAFT)
    stale = timezone.now() - Offer.hidden_after() - timedelta(days=1)
    Offer.objects.filter(pk=made["I"].pk).update(confirmed_at=stale)
    return made


def district_id(essen, numeral):
    return District.objects.get(city=essen, number=numeral).pk


def iii(essen, **filters):
    return coverage(essen, district_ids={district_id(essen, "III")}, **filters)


def counts(matrix):
    return {row.neighbourhood.name: row.counts for row in matrix.rows}


# --- the matrix -------------------------------------------------------------------------------------------------


def test_cells_totals_and_order_are_as_hand_counted(essen, offers):
    matrix = iii(essen)
    assert [c.slug for c in matrix.categories] == ACTIVE  # active categories only, in ordinal order
    assert [row.neighbourhood.name for row in matrix.rows] == III_ROWS
    assert counts(matrix) == {
        "Altendorf": [1, 1, 1],
        "Frohnhausen": [1, 1, 0],
        "Holsterhausen": [0, 1, 0],  # the stale Beratung I is not counted
        "Fulerum": [0, 0, 2],  # the draft Sprachcafé H is not counted
        "Haarzopf": [0, 0, 0],
        "Margarethenhöhe": [0, 0, 0],
    }
    assert [row.total for row in matrix.rows] == [3, 2, 1, 2, 0, 0]
    assert matrix.citywide == [1, 0, 0]
    assert matrix.citywide_total == 1
    assert matrix.column_totals == [2, 3, 3]  # Deutschkurs C counts once in each of its two Stadtteile
    assert matrix.total == 8
    assert [g.district.number for g in matrix.districts] == ["III"]


def test_per_1000_uses_the_population_and_stays_empty_without_data(essen, offers):
    matrix = iii(essen)
    rates = {row.neighbourhood.name: row.rates for row in matrix.rows}
    assert rates["Altendorf"] == pytest.approx([0.05, 0.05, 0.05])
    assert rates["Frohnhausen"] == pytest.approx([0.04, 0.04, 0.0])
    assert rates["Fulerum"] == pytest.approx([0.0, 0.0, 0.4])
    assert rates["Holsterhausen"] == [None, None, None]
    assert matrix.rows[2].total_rate is None
    assert matrix.rows[0].total_rate == pytest.approx(0.15)
    # Columns: the Stadtteile with data (68,000 inhabitants); Deutschkurs D in Holsterhausen has no population.
    assert matrix.population == 68000
    assert not matrix.population_complete
    assert matrix.column_rates == pytest.approx([2000 / 68000, 2000 / 68000, 3000 / 68000])
    assert matrix.total_rate == pytest.approx(7000 / 68000)


def test_gaps_are_the_empty_cells(essen, offers):
    matrix = iii(essen)
    gaps = {(n.name, c.slug) for n, c in matrix.gaps()}
    assert gaps == {
        ("Frohnhausen", "counselling"),
        ("Holsterhausen", "language-cafe"),
        ("Holsterhausen", "counselling"),
        ("Fulerum", "language-cafe"),
        ("Fulerum", "german-course"),
        *((name, slug) for name in ("Haarzopf", "Margarethenhöhe") for slug in ACTIVE),
    }
    by_category = {g.category.slug: g for g in matrix.category_gaps()}
    language_cafe = by_category["language-cafe"]
    assert [n.name for n in language_cafe.without] == [
        "Holsterhausen",
        "Fulerum",
        "Haarzopf",
        "Margarethenhöhe",
    ]
    assert (language_cafe.of, language_cafe.citywide) == (6, 1)
    assert [n.name for n in by_category["counselling"].without] == [
        "Frohnhausen",
        "Holsterhausen",
        "Haarzopf",
        "Margarethenhöhe",
    ]


def test_filter_by_target_group(essen, offers):
    matrix = iii(essen, target_group="newcomers")
    assert counts(matrix) == {
        "Altendorf": [1, 1, 1],
        "Frohnhausen": [0, 1, 0],
        "Holsterhausen": [0, 0, 0],
        "Fulerum": [0, 0, 0],
        "Haarzopf": [0, 0, 0],
        "Margarethenhöhe": [0, 0, 0],
    }
    assert matrix.citywide == [1, 0, 0]
    assert iii(essen, target_group="seniors").column_totals == [0, 0, 1]


def test_filter_by_language(essen, offers):
    matrix = iii(essen, language="ar")
    assert counts(matrix) == {
        "Altendorf": [1, 0, 0],
        "Frohnhausen": [0, 0, 0],
        "Holsterhausen": [0, 1, 0],
        "Fulerum": [0, 0, 1],
        "Haarzopf": [0, 0, 0],
        "Margarethenhöhe": [0, 0, 0],
    }
    assert matrix.citywide == [1, 0, 0]
    both = iii(essen, target_group="newcomers", language="ar")
    assert both.column_totals == [1, 0, 0] and both.citywide == [1, 0, 0]
    assert counts(both)["Altendorf"] == [1, 0, 0]


def test_filter_by_district(essen, offers):
    iv = coverage(essen, district_ids={district_id(essen, "IV")})
    assert {row.district.number for row in iv.rows} == {"IV"}
    assert len(iv.rows) == Neighbourhood.objects.filter(city=essen, district__number="IV").count()
    assert counts(iv)["Schönebeck"] == [1, 0, 0]
    assert iv.column_totals == [1, 0, 0]
    everything = coverage(essen)
    assert len(everything.rows) == Neighbourhood.objects.filter(city=essen).count()
    assert everything.column_totals == [3, 3, 3]
    ordinals = [row.district.ordinal for row in everything.rows]
    assert ordinals == sorted(ordinals)
    assert coverage(essen, district_ids=set()).rows == []


def test_query_count_does_not_grow_with_offers(essen, organisation, offers, django_assert_max_num_queries):
    district_ids = {district_id(essen, "III")}
    with django_assert_max_num_queries(4):
        first = coverage(
            essen, target_group="newcomers", language="de", district_ids=district_ids
        ).column_totals
    for i in range(15):
        make_offer(
            essen,
            organisation,
            f"Noch ein Deutschkurs {i}",
            category_slug="german-course",
            places=("Altendorf", "Haarzopf"),
            target_groups=["newcomers"],
            languages=["de"],
        )
    with django_assert_max_num_queries(4):
        matrix = coverage(essen, target_group="newcomers", language="de", district_ids=district_ids)
        second = matrix.column_totals
        _ = [row.rates for row in matrix.rows], matrix.category_gaps(), matrix.districts
    assert second == [first[0], first[1] + 30, first[2]]


# --- the page ---------------------------------------------------------------------------------------------------


def text_of(response) -> str:
    """The page's text, table cells separated by a space."""
    html = re.sub(r"</t[dh]>", " ", response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_anonymous_is_sent_to_login(client, essen):
    for path in (PAGE, CSV):
        response = client.get(path, **H)
        assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]


@pytest.mark.parametrize(
    "roles",
    [
        [],
        [(Role.ORGANISATION_MEMBER, None)],
        [(Role.COMPETENCE_MEMBER, "III")],
    ],
)
def test_other_people_get_403(client, essen, roles):
    client.force_login(make_user("someone-demo@example.org", roles=roles, city=essen))
    assert client.get(PAGE, **H).status_code == 403
    assert client.get(CSV, **H).status_code == 403


def test_organisation_member_gets_403(client, essen, organisation):
    user = make_user("mitglied-demo@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen)
    organisation.members.create(user=user)
    client.force_login(user)
    assert client.get(PAGE, **H).status_code == 403


@pytest.mark.parametrize(
    "roles,superuser",
    [
        ([(Role.FALLBACK, None)], False),
        ([(Role.CENTRAL_STEERING, None)], False),
        ([(Role.CITY_ADMIN, None)], False),
        ([], True),
    ],
)
def test_citywide_roles_see_all_districts(client, essen, offers, roles, superuser):
    user = make_user("stadtweit-demo@example.org", roles=roles, city=essen, superuser=superuser)
    client.force_login(user)
    response = client.get(PAGE, **H)
    assert response.status_code == 200
    text = text_of(response)
    assert "Altendorf" in text and "Schönebeck" in text and "Kettwig" in text
    assert client.get(PAGE, {"district": "mine"}, **H).status_code == 400  # no districts of their own
    assert client.get(CSV, **H).status_code == 200


def test_coordinator_sees_own_districts_by_default_and_may_switch(client, essen, offers, coordinator_iii):
    client.force_login(coordinator_iii)
    response = client.get(PAGE, **H)
    assert response.status_code == 200
    text = text_of(response)
    assert "Altendorf" in text and "Schönebeck" not in text
    everything = text_of(client.get(PAGE, {"district": "all"}, **H))
    assert "Altendorf" in everything and "Schönebeck" in everything
    other = client.get(PAGE, {"district": district_id(essen, "IV")}, **H)
    assert other.status_code == 200
    assert "Schönebeck" in text_of(other) and "Altendorf" not in text_of(other)


def test_coordinator_of_another_district(client, essen, offers, coordinator_iv):
    client.force_login(coordinator_iv)
    text = text_of(client.get(PAGE, **H))
    assert "Schönebeck" in text and "Altendorf" not in text
    assert client.get(PAGE, {"district": district_id(essen, "III")}, **H).status_code == 200


def test_page_answers_where_an_offer_is_missing(client, essen, offers, coordinator_iii):
    client.force_login(coordinator_iii)
    response = client.get(PAGE, **H)
    html = response.content.decode()
    text = text_of(response)
    assert "Sprachcafé: in 4 von 6 Stadtteilen kein Angebot (außerdem 1 Angebot für die ganze Stadt)" in text
    assert "Deutschkurs: in 3 von 6 Stadtteilen kein Angebot" in text
    assert "Stadtteile ohne Sprachcafé" in text
    assert "Holsterhausen, Fulerum, Haarzopf, Margarethenhöhe" in text
    assert html.count("<details>") == 3
    assert html.count('<span class="kern-sr-only">kein Angebot</span>') == 11
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert "keine Daten" in text  # Holsterhausen's population


def test_per_1000_toggle(client, essen, offers, coordinator_iii):
    client.force_login(coordinator_iii)
    text = text_of(client.get(PAGE, {"per_1000": "on"}, **H))
    assert "Altendorf 20000 0,05 0,05 0,05 0,15" in text
    assert "Holsterhausen keine Daten –kein Angebot keine Daten –kein Angebot keine Daten" in text
    plain = text_of(client.get(PAGE, **H))
    assert "Altendorf 20000 1 1 1 3" in plain
    assert "0,05" not in plain


@pytest.mark.parametrize(
    "query",
    [
        {"target_group": "aliens"},
        {"language": "xx"},
        {"district": "999999"},
        {"district": "drop table"},
        {"per_1000": "x", "language": "<script>"},
    ],
)
def test_invalid_filters_are_400(client, essen, coordinator_iii, query):
    client.force_login(coordinator_iii)
    response = client.get(PAGE, query, **H)
    assert response.status_code == 400
    assert "Bitte prüfen Sie Ihre Eingaben." in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main", 1)[-1].split("</main>")[0]
    assert client.get(CSV, query, **H).status_code == 400


def test_the_page_filters(client, essen, offers, coordinator_iii):
    client.force_login(coordinator_iii)
    text = text_of(client.get(PAGE, {"target_group": "newcomers", "language": "ar"}, **H))
    assert "Sprachcafé: in 5 von 6 Stadtteilen kein Angebot" in text
    assert "Deutschkurs: in 6 von 6 Stadtteilen kein Angebot" in text


# --- the CSV ----------------------------------------------------------------------------------------------------


def read_csv(response):
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_csv_content(client, essen, offers, coordinator_iii):
    client.force_login(coordinator_iii)
    response = client.get(CSV, **H)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="abdeckung-angebote.csv"'
    district = District.objects.get(city=essen, number="III").name
    assert read_csv(response) == [
        [
            "Stadtbezirk",
            "Stadtteil",
            "Einwohner*innen",
            "Sprachcafé",
            "Sprachcafé je 1.000 Einwohner*innen",
            "Deutschkurs",
            "Deutschkurs je 1.000 Einwohner*innen",
            "Beratung",
            "Beratung je 1.000 Einwohner*innen",
            "Summe",
            "Summe je 1.000 Einwohner*innen",
        ],
        [district, "Altendorf", "20000", "1", "0,05", "1", "0,05", "1", "0,05", "3", "0,15"],
        [district, "Frohnhausen", "25000", "1", "0,04", "1", "0,04", "0", "0,00", "2", "0,08"],
        [district, "Holsterhausen", "", "0", "", "1", "", "0", "", "1", ""],
        [district, "Fulerum", "5000", "0", "0,00", "0", "0,00", "2", "0,40", "2", "0,40"],
        [district, "Haarzopf", "10000", "0", "0,00", "0", "0,00", "0", "0,00", "0", "0,00"],
        [district, "Margarethenhöhe", "8000", "0", "0,00", "0", "0,00", "0", "0,00", "0", "0,00"],
        ["", "ganze Stadt", "", "1", "", "0", "", "0", "", "1", ""],
        ["", "Summe der Stadtteile", "68000", "2", "0,03", "3", "0,03", "3", "0,04", "8", "0,10"],
    ]


def test_csv_filters(client, essen, offers, coordinator_iii):
    client.force_login(coordinator_iii)
    rows = read_csv(client.get(CSV, {"language": "ar", "district": district_id(essen, "III")}, **H))
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Fulerum"][3:9:2] == ["0", "0", "1"]
    assert by_name["Altendorf"][3:9:2] == ["1", "0", "0"]
    assert by_name["Summe der Stadtteile"][3:9:2] == ["1", "1", "1"]
    everything = read_csv(client.get(CSV, {"district": "all"}, **H))
    assert len(everything) == 1 + Neighbourhood.objects.filter(city=essen).count() + 2


def test_csv_protects_against_formulas(client, essen, offers, coordinator_iii):
    OfferCategory.objects.filter(city=essen, slug="language-cafe").update(name='=HYPERLINK("http://x")')
    client.force_login(coordinator_iii)
    header = read_csv(client.get(CSV, **H))[0]
    assert header[3] == '\'=HYPERLINK("http://x")'
    assert header[4] == '\'=HYPERLINK("http://x") je 1.000 Einwohner*innen'
    assert [safe_cell(v) for v in ("+1", "-2", "@a", "a=b", 3, None)] == ["'+1", "'-2", "'@a", "a=b", "3", ""]


def test_csv_protects_organisation_like_names_in_places(client, essen, offers, coordinator_iii):
    Neighbourhood.objects.filter(city=essen, name="Haarzopf").update(name="@Haarzopf")
    client.force_login(coordinator_iii)
    names = [row[1] for row in read_csv(client.get(CSV, **H))[1:]]
    assert "'@Haarzopf" in names and "@Haarzopf" not in names


def test_the_workspace_navigation_links_the_matrix_for_those_who_see_it(client, essen, coordinator_iii):
    from quartier.accounts.models import Role
    from tests.conftest import make_user

    client.force_login(coordinator_iii)
    page = client.get("/de/arbeitsbereich/", HTTP_HOST="127.0.0.1").content.decode()
    assert "/de/arbeitsbereich/angebote/abdeckung/" in page
    member = make_user("mitglied-nav-demo@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen)
    client.force_login(member)
    page = client.get("/de/arbeitsbereich/", HTTP_HOST="127.0.0.1").content.decode()
    assert "/de/arbeitsbereich/angebote/abdeckung/" not in page
