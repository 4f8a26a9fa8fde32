"""makemessages finds strings only by the names it knows (`_`, `gettext_lazy`, `pgettext`, …): a translation
function imported under another name (`gettext_lazy as _l`) hides its strings from every catalogue, and the page
then shows German in every language."""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "quartier"
ALIASED = re.compile(r"\b(n?p?gettext(?:_lazy|_noop)?|ngettext(?:_lazy)?)\s+as\s+(\w+)")


def aliases_in(text: str) -> list[str]:
    return [f"{name} as {alias}" for name, alias in ALIASED.findall(text) if alias != "_"]


def test_translation_functions_keep_names_that_makemessages_knows():
    problems = []
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        problems += [
            f"{path.relative_to(PACKAGE)}: {a}" for a in aliases_in(path.read_text(encoding="utf-8"))
        ]
    assert not problems, "import these under their own name or as _:\n" + "\n".join(problems)


def test_the_guard_sees_an_alias():
    assert aliases_in("from django.utils.translation import gettext_lazy as _l") == ["gettext_lazy as _l"]
    assert aliases_in("from django.utils.translation import pgettext_lazy as p") == ["pgettext_lazy as p"]
    assert aliases_in("from django.utils.translation import gettext as _") == []
