"""Offer search, the same tests on SQLite (FTS5 + Snowball + vocabulary) and PostgreSQL (german + unaccent +
pg_trgm): German word forms, umlauts and accents, typos, word beginnings, all words must match, ranking, filters,
and hostile queries that must never fail."""

import pytest

from quartier.offers import search, selectors
from quartier.offers.selectors import OfferFilters
from quartier.places.models import District, Neighbourhood

from .conftest import make_offer


@pytest.fixture
def offers(essen, organisation):
    made = {
        "homework": make_offer(
            essen,
            organisation,
            "Hausaufgabenhilfe für Grundschulkinder",
            "Ehrenamtliche helfen Kindern der Klassen 1 bis 4 bei den Hausaufgaben.",
            category_slug="homework-help",
            target_groups=["children"],
            languages=["de", "tr"],
        ),
        "mothers": make_offer(
            essen,
            organisation,
            "Treff für Mütter mit kleinen Kindern",
            "Austausch, Kaffee und Beratung rund um Kita und Schule.",
            category_slug="parents-cafe",
            places=("Katernberg",),
            target_groups=["parents", "women"],
            languages=["ar", "de"],
        ),
        "cafe": make_offer(
            essen,
            organisation,
            "Sprachcafé am Mittwoch",
            "Deutsch sprechen üben in entspannter Runde, für alle Niveaus.",
            category_slug="language-cafe",
            languages=["de"],
            is_free=True,
        ),
        "cafe_steele": make_offer(
            essen,
            organisation,
            "Internationales Sprachcafé Steele",
            "Gespräche auf Deutsch mit Nachbarinnen und Nachbarn.",
            category_slug="language-cafe",
            places=("Steele",),
            is_free=False,
            cost="1 € pro Treffen",
        ),
        "advice": make_offer(
            essen,
            organisation,
            "Migrationsberatung für Erwachsene",
            "Beratungen zu Aufenthalt, Arbeit und Wohnen; Termine nach Vereinbarung.",
            category_slug="counselling",
            citywide=True,
            places=(),
            schedule="appointment",
            weekly_times=[],
            target_groups=["newcomers"],
            languages=["de", "ar", "fa", "uk"],
        ),
        "football": make_offer(
            essen,
            organisation,
            "Fußball für Mädchen",
            "Training in der Halle, Straßenschuhe reichen.",
            category_slug="sports-group",
            places=("Frohnhausen",),
            target_groups=["youth", "women"],
        ),
    }
    return made


def titles(essen, q=None, **filters):
    return [o.title for o in selectors.public_search(essen, OfferFilters(q=q, **filters))]


def found(essen, q):
    return set(titles(essen, q))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Kindern", "Hausaufgabenhilfe für Grundschulkinder"),  # plural dative → "Kinder"
        ("Hausaufgabe", "Hausaufgabenhilfe für Grundschulkinder"),
        ("Beratungen", "Migrationsberatung für Erwachsene"),
        ("Mütter", "Treff für Mütter mit kleinen Kindern"),
        ("Mutter", "Treff für Mütter mit kleinen Kindern"),  # without the umlaut
        ("muetter", "Treff für Mütter mit kleinen Kindern"),  # transcribed umlaut
        ("Sprachcafe", "Sprachcafé am Mittwoch"),  # without the accent
        ("SPRACHCAFÉ", "Sprachcafé am Mittwoch"),
        ("Sprach", "Sprachcafé am Mittwoch"),  # the beginning of a word
        ("Fussball", "Fußball für Mädchen"),  # ß as ss
        ("Madchen", "Fußball für Mädchen"),
        ("Hausaufgabenhilfr", "Hausaufgabenhilfe für Grundschulkinder"),  # typo
        ("Hausaufgbenhilfe", "Hausaufgabenhilfe für Grundschulkinder"),  # typo
        ("Migrationsbertung", "Migrationsberatung für Erwachsene"),  # typo
        ("Zahnarztpraxis", None),  # too far from anything: no guess
    ],
)
def test_word_forms_umlauts_and_typos(essen, offers, query, expected):
    result = found(essen, query)
    if expected is None:
        assert result == set()
    else:
        assert expected in result, result


def test_every_word_must_match_and_the_stadtteil_is_searchable(essen, offers):
    assert found(essen, "Sprachcafé Steele") == {"Internationales Sprachcafé Steele"}
    assert found(essen, "Sprachcafé Altendorf") == {"Sprachcafé am Mittwoch"}
    assert found(essen, "Sprachcafé Kettwig") == set()


def test_target_group_labels_are_searchable(essen, offers):
    assert "Treff für Mütter mit kleinen Kindern" in found(essen, "Eltern")
    assert "Migrationsberatung für Erwachsene" in found(essen, "Neuzugewanderte")


def test_title_matches_rank_above_description_matches(essen, offers):
    ranked = titles(essen, "Beratung")
    assert ranked[0] == "Migrationsberatung für Erwachsene"
    assert "Treff für Mütter mit kleinen Kindern" in ranked  # "Beratung" only in its description


def test_filters_combine_with_search(essen, offers):
    assert titles(essen, "Sprachcafé", free=True) == ["Sprachcafé am Mittwoch"]
    altendorf = Neighbourhood.objects.get(city=essen, name="Altendorf")
    # the citywide advice is in every Stadtteil
    assert set(titles(essen, neighbourhood=altendorf.pk)) == {
        "Hausaufgabenhilfe für Grundschulkinder",
        "Sprachcafé am Mittwoch",
        "Migrationsberatung für Erwachsene",
    }
    iii = District.objects.get(city=essen, number="III")
    assert "Fußball für Mädchen" in titles(essen, district=iii.pk)  # Frohnhausen is in III
    assert "Internationales Sprachcafé Steele" not in titles(essen, district=iii.pk)
    assert titles(essen, target_group="children") == ["Hausaufgabenhilfe für Grundschulkinder"]
    assert set(titles(essen, language="ar")) == {
        "Treff für Mütter mit kleinen Kindern",
        "Migrationsberatung für Erwachsene",
    }
    assert titles(essen, "Beratung", language="uk") == ["Migrationsberatung für Erwachsene"]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        "*",
        "AND",
        "OR NOT",
        "NEAR(a b)",
        "a:b",
        "^Sprach",
        "(",
        ")",
        "-",
        "''; DROP TABLE x; --",
        "\\",
        "%",
        "_",
        "ß" * 300,
        "Sprachcafé " * 50,
        "\u202e",
        "😀",
        "مقهى",
        "кафе",
        "a | b & !c",
        "<script>",
    ],
)
def test_hostile_queries_never_fail(essen, offers, query):
    result = titles(essen, query)
    assert isinstance(result, list)


def test_no_words_lists_everything_by_title(essen, offers):
    assert titles(essen, "  ,;  ") == sorted(titles(essen), key=str)
    assert search.query_words("und oder der") == []
