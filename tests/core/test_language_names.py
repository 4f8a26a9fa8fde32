"""Language names come from one source (CLDR through Babel) in the page's language, for every code in use."""

import pytest
from django.conf import settings
from django.utils import translation

from quartier.core.languages import CONTENT_LANGUAGES, language_choices, language_name
from quartier.events import demo as event_demo
from quartier.events.forms import LANGUAGE_CHOICES
from quartier.funding.thesaurus import LANGUAGE_OF
from quartier.offers import demo as offer_demo
from quartier.offers.forms.workspace import LANGUAGES as OFFER_LANGUAGES
from tests.events.conftest import draft, organisation, organiser  # noqa: F401 (fixtures)
from tests.events.test_event_pages_and_api import H, publish

PAGE_LANGUAGES = [code for code, _name in settings.LANGUAGES]


def codes_in_use() -> set[str]:
    """Every language code the platform stores or offers: form choices, demo data, the thesaurus, the UI."""
    return (
        set(CONTENT_LANGUAGES)
        | {code for code, _label in LANGUAGE_CHOICES if code}
        | {code for code, _label in OFFER_LANGUAGES}
        | set(event_demo.LANGUAGES)
        | set(offer_demo.LANGUAGES)
        | set(LANGUAGE_OF)
        | set(PAGE_LANGUAGES)
    )


@pytest.mark.parametrize(
    "code, names",
    [
        ("ku", {"de": "Kurdisch", "en": "Kurdish", "ar": "الكردية"}),
        ("so", {"de": "Somali", "en": "Somali", "ar": "الصومالية"}),
        ("ti", {"de": "Tigrinya", "en": "Tigrinya", "ar": "التغرينية"}),
        ("fa", {"de": "Persisch", "en": "Persian", "ar": "الفارسية"}),
        ("prs", {"de": "Dari", "en": "Dari", "ar": "الدارية"}),
        ("uk", {"de": "Ukrainisch", "en": "Ukrainian", "ar": "الأوكرانية"}),
        ("de", {"de": "Deutsch", "en": "German", "ar": "الألمانية"}),
    ],
)
def test_names_in_each_page_language(code, names):
    for page_language, expected in names.items():
        with translation.override(page_language):
            assert language_name(code) == expected
        assert language_name(code, page_language) == expected


@pytest.mark.parametrize("page_language", PAGE_LANGUAGES)
def test_every_code_in_use_has_a_name_that_is_not_the_code(page_language):
    """The guard: a code added to a list, the demo data or the thesaurus without a name fails here."""
    with translation.override(page_language):
        nameless = sorted(
            code for code in codes_in_use() if language_name(code).casefold() == code.casefold()
        )
    assert not nameless, f"no {page_language} name for {nameless}"


def test_names_differ_between_page_languages():
    for code in codes_in_use() - {"so", "ti", "prs"}:  # same word in German and English
        assert language_name(code, "de") != language_name(code, "en"), code
    for code in codes_in_use():
        assert language_name(code, "ar") != language_name(code, "en"), code


def test_unknown_or_hostile_codes_fall_back_to_the_code():
    assert language_name("xx") == "xx"
    assert language_name("") == ""
    assert language_name(None) == ""
    assert language_name("<script>", "en") == "<script>"
    assert language_name("de", "zz-not-a-language") == "Deutsch"  # unknown page language: the default's names


def test_choices_follow_the_active_language():
    choices = dict(language_choices())
    with translation.override("en"):
        assert str(choices["ku"]) == "Kurdish"
    with translation.override("ar"):
        assert str(choices["ku"]) == "الكردية"
    with translation.override("de"):
        assert str(dict(LANGUAGE_CHOICES)["ti"]) == "Tigrinya"


@pytest.mark.parametrize(
    "lang, expected", [("de", "Kurdisch, Somali, Tigrinya"), ("en", "Kurdish, Somali, Tigrinya")]
)
def test_event_page_names_the_languages(client, organiser, organisation, coordinator_iii, lang, expected):  # noqa: F811
    event = publish(draft(organiser, organisation, languages=["ku", "so", "ti"]), organiser, coordinator_iii)
    page = client.get(f"/{lang}/veranstaltungen/{event.pk}-{event.slug}/", **H).content.decode()
    assert expected in page
    assert ">ku<" not in page and "ku," not in page
