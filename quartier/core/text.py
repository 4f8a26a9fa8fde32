"""Text normalisation for matching names typed by people: case, umlauts, spacing, punctuation."""

import re
import unicodedata

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e"})
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Fold a name to a comparable key: 'Überruhr-Hinsel' and 'ueberruhr hinsel' give the same key."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", text).strip()


def as_id(text, *, maximum: int = 2**63 - 1) -> int | None:
    """`text` as a database id or number if it is one (ASCII digits only, within a BIGINT), else None.

    `str.isdigit()` alone also accepts "²" or "٣", which `int()` then refuses or the database cannot store.
    """
    text = str(text).strip() if text is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    value = int(text)
    return value if value <= maximum else None
