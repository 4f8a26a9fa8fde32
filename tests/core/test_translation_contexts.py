"""Words that mean different things in different places carry a context, so each place gets its own translation
("Jetzt anmelden": register for an event, or log in to the workspace)."""

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import translation

from tests.core.test_translations import parse_po, po_path
from tests.events.conftest import draft, organisation, organiser  # noqa: F401 (fixtures)
from tests.events.test_event_pages_and_api import H, publish

PACKAGE = Path(settings.BASE_DIR) / "quartier"
BERLIN = ZoneInfo("Europe/Berlin")

# German words known to be ambiguous on their own: anmelden (register for an event / log in), Anmeldung
# (registration / login), Ort (venue / town), Termin (date of an event / appointment), alle (everyone / any),
# Neu, Mehr, Stelle (office / job / place), Bezirk (Stadtbezirk / any district).
AMBIGUOUS = ["anmelden", "Anmelden", "Jetzt anmelden", "Anmeldung", "Ort", "Termin", "alle", "Alle", "Neu", "Mehr",
             "Stelle", "Bezirk", "Abmelden", "abgemeldet", "Stand", "Platz", "Personen", "Alter", "Angabe", "bisher", "neu"]  # fmt: skip
_WORDS = "|".join(re.escape(w) for w in AMBIGUOUS)
TEMPLATE_CALL = re.compile(r'{%\s*(?:translate|trans)\s+"(' + _WORDS + r')"(?![^%]*\bcontext\b)[^%]*%}')
PYTHON_CALL = re.compile(
    r'(?<![\w.])(?:_|gettext|gettext_lazy|_lazy|gettext_noop)\(\s*"(' + _WORDS + r')"\s*[,)]'
)


def uses_without_context(text: str) -> list[str]:
    return [m.group(0) for pattern in (TEMPLATE_CALL, PYTHON_CALL) for m in pattern.finditer(text)]


def test_no_ambiguous_word_is_translated_without_a_context_in_the_code():
    """The guard for the code: a new `{% translate "Ort" %}` or `_("Anmeldung")` fails here."""
    problems = []
    for path in PACKAGE.rglob("*"):
        if path.suffix not in {".py", ".html", ".txt"} or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            problems += [f"{path.relative_to(PACKAGE)}:{number}: {use}" for use in uses_without_context(line)]
    assert not problems, "give these a context (pgettext / {% translate … context … %}):\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_no_ambiguous_word_is_in_a_catalogue_without_a_context(language):
    """The guard for the catalogues (what makemessages writes from the code)."""
    _header, entries = parse_po(po_path(language))
    bare = sorted({e.msgid for e in entries if e.msgctxt is None and e.msgid in AMBIGUOUS})
    assert not bare, f"{language}: {bare} have no context"


@pytest.mark.parametrize(
    "snippet",
    ['{% translate "Ort" %}', "{% trans 'x' %}{% translate \"Anmeldung\" as label %}", '_("Termin")',
     'gettext_lazy("alle")', '{% translate "Jetzt anmelden" %}'],
)  # fmt: skip
def test_the_guard_catches_a_bare_use(snippet):
    assert uses_without_context(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        '{% translate "Ort" context "venue" %}',
        'pgettext_lazy("town", "Ort")',
        '_("Ortsteil")',
        '_("alle Sprachen")',
    ],
)
def test_the_guard_lets_a_use_with_context_pass(snippet):
    assert not uses_without_context(snippet)


@pytest.mark.parametrize(
    "context, msgid, expected",
    [
        ("event registration", "Jetzt anmelden", {"en": "Register now", "ar": "سجّل الآن"}),
        ("account login", "Jetzt anmelden", {"en": "Log in now", "ar": "سجّل الدخول الآن"}),
        ("account login", "Anmelden", {"en": "Log in", "ar": "تسجيل الدخول"}),
        ("venue", "Ort", {"en": "Venue", "ar": "المكان"}),
        ("town", "Ort", {"en": "Town", "ar": "المدينة"}),
        ("target group", "alle", {"en": "Everyone", "ar": "الجميع"}),
        ("filter", "alle", {"en": "all", "ar": "الكل"}),
    ],
)
def test_each_context_has_its_own_translation(context, msgid, expected):
    for language, text in expected.items():
        with translation.override(language):
            assert translation.pgettext(context, msgid) == text


def test_event_page_register_button_says_register_now(client, organiser, organisation, coordinator_iii):  # noqa: F811
    start = datetime(2027, 9, 4, 15, 0, tzinfo=BERLIN)
    event = publish(
        draft(organiser, organisation, start=start, end=start + timedelta(hours=3), registration="required"),
        organiser,
        coordinator_iii,
    )
    url = f"{event.pk}-{event.slug}/"
    english = client.get(f"/en/veranstaltungen/{url}", **H).content.decode()
    assert "Register now" in english and "Sign in now" not in english and "Log in now" not in english
    arabic = client.get(f"/ar/veranstaltungen/{url}", **H).content.decode()
    assert "سجّل الآن" in arabic and "سجّل الدخول الآن" not in arabic
    assert "Jetzt anmelden" in client.get(f"/de/veranstaltungen/{url}", **H).content.decode()


def test_login_pages_say_log_in(client, essen):
    assert "Log in" in client.get("/en/konto/anmelden/", **H).content.decode()
