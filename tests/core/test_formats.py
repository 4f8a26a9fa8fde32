"""Dates, times and numbers follow the page language (quartier/formats); no German pattern is spelled out
anywhere else."""

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from quartier.core.formatting import DATE_NAMES, format_number, format_when, get_format
from quartier.events.pdf import day_heading, period_text
from quartier.places.models import Neighbourhood
from tests.events.conftest import draft, organisation, organiser  # noqa: F401 (fixtures)
from tests.events.test_event_pages_and_api import H, publish

BERLIN = ZoneInfo("Europe/Berlin")
PACKAGE = Path(settings.BASE_DIR) / "quartier"
PAGE_LANGUAGES = [code for code, _name in settings.LANGUAGES]
SATURDAY = datetime(2026, 9, 12, 15, 30, tzinfo=BERLIN)

# German date patterns as Django (j. F Y, d.m.Y, j. n. Y ...) and strftime (%d.%m.%Y) write them.
GERMAN_PATTERNS = re.compile(r"\bj\. ?[FnNbMm]\b|\bd\.m\.[Yy]\b|\bj\.n\.|%d\.%m\.|%e\.%m\.|\bl, j\.")
# A date or time filter whose argument is not a named format (or ISO 8601 for machine attributes).
LITERAL_FILTER = re.compile(r"\|(?:date|time|when|time_element):\s*([\"'])(?![A-Z_]+\1|Y-m-d\1|c\1)[^\"']*\1")
NOW_TAG = re.compile(r"{%\s*now\s+([\"'])(?![A-Z_]+\1|Y\1)[^\"']*\1")
LITERAL_CALL = re.compile(r"\b(?:date_format|time_format|format_when)\([^)]*,\s*[\"'](?![A-Z_]+[\"'])")


def source_files():
    for path in PACKAGE.rglob("*"):
        if path.suffix not in {".py", ".html", ".txt"} or not path.is_file():
            continue
        parts = set(path.relative_to(PACKAGE).parts)
        if {"formats", "migrations", "locale", "static"} & parts:
            continue
        yield path


def test_no_hard_coded_date_pattern_outside_the_formats_modules():
    """The guard: templates and code name a format; only quartier/formats/<lang>/formats.py spell one out."""
    problems = []
    for path in source_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if any(p.search(line) for p in (GERMAN_PATTERNS, LITERAL_FILTER, NOW_TAG, LITERAL_CALL)):
                problems.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()[:110]}")
    assert not problems, "name a format from quartier/formats instead:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "line",
    [
        '{{ e.start|date:"j. F Y" }}',
        "{{ e.start|date:'d.m.Y' }}",
        '{{ o.start|time:"H:i" }}',
        '{{ e.start|time_element:"l, j. F Y, H:i" }}',
        '{% now "j. n. Y" %}',
        'text = f"{start:%d.%m.%Y}"',
        'date_format(first, "j. F")',
    ],
)
def test_the_guard_catches_each_kind_of_pattern(line):
    assert any(p.search(line) for p in (GERMAN_PATTERNS, LITERAL_FILTER, NOW_TAG, LITERAL_CALL)), line


@pytest.mark.parametrize(
    "line", ['{{ e.start|when:"WEEKDAY_DATETIME_FORMAT" }}', "<time datetime=\"{{ d|date:'Y-m-d' }}\">"]
)
def test_the_guard_lets_named_formats_pass(line):
    assert not any(p.search(line) for p in (GERMAN_PATTERNS, LITERAL_FILTER, NOW_TAG, LITERAL_CALL)), line


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("de", "Samstag, 12. September 2026, 15:30"),
        ("en", "Saturday, 12 September 2026, 15:30"),
        ("ar", "السبت، 12 سبتمبر 2026، 15:30"),
    ],
)
def test_weekday_datetime_in_each_language(lang, expected):
    with translation.override(lang):
        assert format_when(SATURDAY, "WEEKDAY_DATETIME_FORMAT") == expected
        # an aware datetime in UTC is shown in the city's time
        assert format_when(SATURDAY.astimezone(ZoneInfo("UTC")), "WEEKDAY_DATETIME_FORMAT") == expected


@pytest.mark.parametrize("name", sorted(DATE_NAMES))
def test_every_language_has_every_named_format_and_no_german_pattern_leaks(name):
    patterns = {lang: get_format(name, lang) for lang in PAGE_LANGUAGES}
    for lang in PAGE_LANGUAGES:
        module = __import__(f"quartier.formats.{lang}.formats", fromlist=["formats"])
        assert hasattr(module, name), f"quartier/formats/{lang}/formats.py lacks {name}"
        if lang != "de":
            assert not GERMAN_PATTERNS.search(patterns[lang]), (lang, patterns[lang])


def test_a_pattern_is_refused_as_a_format_name():
    with pytest.raises(ValueError):
        get_format("j. F Y")
    with pytest.raises(ValueError):
        format_when(SATURDAY, "d.m.Y")


@pytest.mark.parametrize(
    "lang, population, rate",
    [("de", "12.345", "1.234,57"), ("en", "12,345", "1,234.57"), ("ar", "12,345", "1,234.57")],
)
def test_numbers_have_the_languages_separators(lang, population, rate):
    with translation.override(lang):
        assert format_number(12345) == population
        assert format_number(1234.567, 2) == rate
        assert Template("{% load l10n_formats %}{{ n|number }}").render(Context({"n": 12345})) == population
    assert format_number(None) == "" and format_number("kaputt") == "kaputt"


def test_template_filters_use_the_named_formats():
    template = Template(
        '{% load l10n_formats %}{{ d|when:"WEEKDAY_DATE_FORMAT" }}|{{ d|time_element:"TIME_FORMAT" }}'
    )
    with translation.override("en"):
        assert template.render(Context({"d": SATURDAY})) == (
            'Saturday, 12 September 2026|<time datetime="2026-09-12T15:30:00+02:00">15:30</time>'
        )
    assert template.render(Context({"d": None})) == "|"


@pytest.mark.parametrize(
    "lang, period, heading",
    [
        ("de", "1. – 30. September 2027", "Samstag, 4. September 2027"),
        ("en", "1 – 30 September 2027", "Saturday, 4 September 2027"),
        ("ar", "1 – 30 سبتمبر 2027", "السبت، 4 سبتمبر 2027"),
    ],
)
def test_programme_pdf_dates_in_each_language(lang, period, heading):
    with translation.override(lang):
        assert period_text(date(2027, 9, 1), date(2027, 9, 30)) == period
        assert day_heading(date(2027, 9, 4)) == heading
        assert period_text(date(2027, 9, 4), date(2027, 10, 3)).startswith(
            format_when(date(2027, 9, 4), "MONTH_DAY_FORMAT")
        )


def test_event_page_date_follows_the_page_language(client, organiser, organisation, coordinator_iii):  # noqa: F811
    start = datetime(2027, 9, 4, 15, 0, tzinfo=BERLIN)
    event = publish(
        draft(organiser, organisation, start=start, end=start + timedelta(hours=3)),
        organiser,
        coordinator_iii,
    )
    pages = {
        lang: client.get(f"/{lang}/veranstaltungen/{event.pk}-{event.slug}/", **H).content.decode()
        for lang in PAGE_LANGUAGES
    }
    assert "Samstag, 4. September 2027, 15:00" in pages["de"]
    assert "Saturday, 4 September 2027, 15:00" in pages["en"]
    assert "السبت، 4 سبتمبر 2027، 15:00" in pages["ar"]
    assert "4. September" not in pages["en"] and "4. September" not in pages["ar"]


def test_population_has_thousands_separators(client, essen):
    place = Neighbourhood.objects.filter(city=essen, population__gte=10000).order_by("name").first()
    assert place is not None, "Essen's reference data has Stadtteile with more than 10,000 inhabitants"
    german = f"{place.population:,}".replace(",", ".")
    assert f"<dd>{german} " in client.get(f"/de/stadtteile/{place.slug}/", **H).content.decode()
    assert f"<dd>{place.population:,} " in client.get(f"/en/stadtteile/{place.slug}/", **H).content.decode()
