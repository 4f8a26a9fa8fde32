"""Translation catalogues: complete, placeholders kept, and the committed .mo files match the .po files.

German is the source language (the msgids are German). Every other language in settings.LANGUAGES needs a
full catalogue. After changing a user-facing string:

    .venv/bin/python manage.py makemessages -l de -l en -l ar --no-obsolete \
        --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench --ignore=staticfiles
    (translate the new, empty or "#, fuzzy" entries in quartier/locale/*/LC_MESSAGES/django.po)
    .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules

The checks are pure Python (no GNU gettext, no database); only the msgfmt cross-check is skipped where
msgfmt is not installed.
"""

import gettext
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
SOURCE_LANGUAGE = settings.LANGUAGE_CODE
ALL_LANGUAGES = [code for code, _name in settings.LANGUAGES]
TRANSLATED_LANGUAGES = [code for code in ALL_LANGUAGES if code != SOURCE_LANGUAGE]
EXPECTED_NPLURALS = {"de": 2, "en": 2, "ar": 6}
HOW_TO_FIX = (
    "run `manage.py makemessages -l de -l en -l ar --no-obsolete ...`, translate, then "
    "`manage.py compilemessages` (see the docstring of tests/core/test_translations.py)"
)

# printf-style conversions as Python's % operator reads them; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conv>[a-zA-Z%])"
)


# --- a small .po reader ---------------------------------------------------------------------------------


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def forms(self) -> list[str]:
        return [self.msgstr[i] for i in sorted(self.msgstr)]

    @property
    def is_plural(self) -> bool:
        return self.msgid_plural is not None

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid[:70]!r}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"{where}: expected a quoted string, got {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


def parse_po(path: Path) -> tuple[Entry, list[Entry]]:
    """The header entry and the other (non-obsolete) entries of a .po file."""
    entries: list[Entry] = []
    entry = Entry(line=0)
    last: str | None = None  # the part of the entry read last: comment, msgctxt, msgid, msgid_plural, msgstr
    index = 0
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line, where = raw.strip(), f"{path}:{number}"
        if not line:
            last = None
            continue
        if line.startswith("#~"):  # obsolete entry
            continue
        if line.startswith("#"):
            if last != "comment":
                entry, last = Entry(line=number), "comment"
                entries.append(entry)
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        keyword, _, rest = line.partition(" ")
        starts_entry = (keyword == "msgctxt" and last != "comment") or (
            keyword == "msgid" and last not in ("comment", "msgctxt")
        )
        if starts_entry:
            entry = Entry(line=number)
            entries.append(entry)
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, keyword, _unquote(rest, where))
            last = keyword
        elif keyword == "msgstr" or re.fullmatch(r"msgstr\[\d+\]", keyword):
            index = int(keyword[7:-1]) if "[" in keyword else 0
            entry.msgstr[index] = _unquote(rest, where)
            last = "msgstr"
        elif line.startswith('"') and last == "msgstr":
            entry.msgstr[index] += _unquote(line, where)
        elif line.startswith('"') and last in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, last, getattr(entry, last) + _unquote(line, where))
        else:
            raise ValueError(f"{where}: cannot read {line!r}")
    entries = [e for e in entries if e.msgstr]  # drops comment-only blocks
    header = entries[0]
    assert header.msgid == "" and header.msgctxt is None, f"{path}: the first entry must be the header"
    return header, entries[1:]


def header_fields(header: Entry) -> dict[str, str]:
    fields = {}
    for line in header.msgstr[0].splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    return fields


def plural_function(header: Entry):
    """(nplurals, function n -> form index) from the Plural-Forms header."""
    spec = header_fields(header)["Plural-Forms"]
    nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", spec).group(1))
    expression = re.search(r"plural\s*=\s*([^;]+)", spec).group(1)
    return nplurals, gettext.c2py(expression)


# --- a small .mo reader ---------------------------------------------------------------------------------


def read_mo(path: Path) -> dict[str, str]:
    """All messages of a compiled catalogue, keyed like msgfmt stores them (ctxt\\x04msgid\\x00plural)."""
    data = path.read_bytes()
    (magic,) = struct.unpack("<I", data[:4])
    order = {0x950412DE: "<", 0xDE120495: ">"}.get(magic)
    assert order, f"{path} is not a GNU .mo file"
    _revision, count, originals, translations = struct.unpack(order + "4I", data[4:20])
    catalogue = {}
    for i in range(count):
        olen, opos = struct.unpack(order + "2I", data[originals + 8 * i : originals + 8 * i + 8])
        tlen, tpos = struct.unpack(order + "2I", data[translations + 8 * i : translations + 8 * i + 8])
        catalogue[data[opos : opos + olen].decode("utf-8")] = data[tpos : tpos + tlen].decode("utf-8")
    return catalogue


def _without_pot_date(header: str) -> str:
    """msgfmt leaves out POT-Creation-Date, and makemessages may touch nothing else."""
    return "".join(
        line for line in header.splitlines(keepends=True) if not line.startswith("POT-Creation-Date:")
    )


def expected_mo(header: Entry, entries: list[Entry]) -> dict[str, str]:
    """What msgfmt writes for these entries: translated, non-fuzzy ones only."""
    catalogue = {"": _without_pot_date(header.msgstr[0])}
    for e in entries:
        if "fuzzy" in e.flags or not all(e.forms):
            continue
        key = (f"{e.msgctxt}\x04" if e.msgctxt is not None else "") + e.msgid
        if e.is_plural:
            catalogue[f"{key}\x00{e.msgid_plural}"] = "\x00".join(e.forms)
        else:
            catalogue[key] = e.msgstr[0]
    return catalogue


# --- helpers --------------------------------------------------------------------------------------------


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def mo_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"


def placeholders(text: str) -> set[str]:
    return {m.group(0) for m in PLACEHOLDER.finditer(text) if m.group("conv") != "%"}


def is_format_string(e: Entry) -> bool:
    return "python-format" in e.flags or bool(placeholders(e.msgid) | placeholders(e.msgid_plural or ""))


class _AnyValue(dict):
    def __missing__(self, key):
        return 1


def _format(text: str) -> str:
    """Apply the % operator as Django does; raises on a stray or malformed conversion."""
    named = any(m.group("name") is not None for m in PLACEHOLDER.finditer(text))
    if named:
        return text % _AnyValue()
    count = sum(1 for m in PLACEHOLDER.finditer(text) if m.group("conv") != "%")
    return text % ((1,) * count) if count else text.replace("%%", "%")


@pytest.fixture(scope="module", params=ALL_LANGUAGES)
def catalogue(request):
    language = request.param
    assert po_path(language).exists(), f"{po_path(language)} is missing; {HOW_TO_FIX}"
    header, entries = parse_po(po_path(language))
    return language, header, entries


# --- tests ----------------------------------------------------------------------------------------------


def test_there_is_a_catalogue_for_every_language():
    for language in ALL_LANGUAGES:
        assert po_path(language).exists(), f"{po_path(language)} is missing; {HOW_TO_FIX}"
        assert mo_path(language).exists(), f"{mo_path(language)} is missing; {HOW_TO_FIX}"


def test_header_names_language_charset_and_plural_forms(catalogue):
    language, header, _entries = catalogue
    fields = header_fields(header)
    assert fields.get("Language") == language
    assert fields.get("Project-Id-Version") == "Quartier"
    assert "charset=UTF-8" in fields.get("Content-Type", "")
    assert "fuzzy" not in header.flags, "the header is still marked fuzzy"
    nplurals, plural = plural_function(header)
    assert nplurals == EXPECTED_NPLURALS.get(language, nplurals)
    assert {plural(n) for n in range(1000)} == set(range(nplurals)), "Plural-Forms does not use every form"


def test_all_catalogues_have_the_same_messages():
    """makemessages was run for every language, not just for some."""
    keys = {}
    for language in ALL_LANGUAGES:
        _header, entries = parse_po(po_path(language))
        keys[language] = {(e.msgctxt, e.msgid, e.msgid_plural) for e in entries}
    reference = keys[SOURCE_LANGUAGE]
    for language, found in keys.items():
        assert found == reference, (
            f"{language} differs from {SOURCE_LANGUAGE}: only in {language}: "
            f"{sorted(m[1] for m in found - reference)[:5]}, missing: "
            f"{sorted(m[1] for m in reference - found)[:5]}; {HOW_TO_FIX}"
        )


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_message_is_translated_in_every_plural_form(language):
    header, entries = parse_po(po_path(language))
    nplurals, _plural = plural_function(header)
    assert entries, "the catalogue is empty"
    problems = []
    for e in entries:
        if e.is_plural and sorted(e.msgstr) != list(range(nplurals)):
            problems.append(f"{e.label} has forms {sorted(e.msgstr)}, expected 0..{nplurals - 1}")
        elif not e.is_plural and sorted(e.msgstr) != [0]:
            problems.append(f"{e.label} uses plural forms without msgid_plural")
        elif not all(form.strip() for form in e.forms):
            problems.append(f"{e.label} is not translated")
    assert not problems, "\n".join(problems)


def test_no_entry_is_fuzzy(catalogue):
    language, _header, entries = catalogue
    fuzzy = [e.label for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, f"{language}: check these and remove '#, fuzzy':\n" + "\n".join(fuzzy)


def test_placeholders_are_kept(catalogue):
    """Same %(name)s conversions as the German original; plural forms used for n >= 3 show the number."""
    language, header, entries = catalogue
    _nplurals, plural = plural_function(header)
    forms_for_many = {plural(n) for n in range(3, 1000)}
    problems = []
    for e in entries:
        if not is_format_string(e):
            continue
        if not e.is_plural:
            if e.msgstr[0] and placeholders(e.msgstr[0]) != placeholders(e.msgid):
                problems.append(
                    f"{e.label}: {sorted(placeholders(e.msgstr[0]))} != {sorted(placeholders(e.msgid))}"
                )
            continue
        singular, many = placeholders(e.msgid), placeholders(e.msgid_plural)
        for index, form in e.msgstr.items():
            if not form:
                continue
            found = placeholders(form)
            required = many if index in forms_for_many else singular & many
            if not required <= found or not found <= singular | many:
                problems.append(f"{e.label} msgstr[{index}]: has {sorted(found)}, needs {sorted(required)}")
    assert not problems, f"{language}:\n" + "\n".join(problems)


def test_translations_format_without_errors(catalogue):
    """A stray '%' in a translation would crash the page that shows it."""
    language, _header, entries = catalogue
    problems = []
    for e in entries:
        if not is_format_string(e):
            continue
        for index, form in e.msgstr.items():
            try:
                _format(form)
            except (ValueError, TypeError, KeyError) as exc:
                problems.append(f"{e.label} msgstr[{index}]: {exc}")
    assert not problems, f"{language}:\n" + "\n".join(problems)


def test_compiled_catalogue_matches_po(catalogue):
    """The committed .mo holds exactly the translations of the .po (so nobody forgot compilemessages)."""
    language, header, entries = catalogue
    assert mo_path(language).exists(), f"{mo_path(language)} is missing; {HOW_TO_FIX}"
    compiled, expected = read_mo(mo_path(language)), expected_mo(header, entries)
    compiled[""] = _without_pot_date(compiled.get("", ""))
    stale = sorted(k for k in compiled.keys() | expected.keys() if compiled.get(k) != expected.get(k))
    assert not stale, (
        f"{mo_path(language)} is out of date for {len(stale)} messages, e.g. {stale[:3]}; {HOW_TO_FIX}"
    )


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_django_uses_the_catalogue(language):
    with translation.override(language):
        assert translation.gettext("Stadtteil oder Postleitzahl") != "Stadtteil oder Postleitzahl"
        assert translation.gettext("Deutsch") != "Deutsch"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_msgfmt_accepts_the_catalogue(language):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po_path(language))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
