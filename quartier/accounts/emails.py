"""E-mail addresses as account identities: one normal form, and a skeleton that look-alike addresses share.

`normalise` is what an account is stored and found under (User.email_key): surrounding space removed, Unicode
NFKC, case folded, the domain in its ASCII (IDNA) form. `skeleton` goes further and maps characters that look
alike to one prototype (Unicode Technical Standard #39, with Unicode's confusables.txt shipped in data/), so
"x@cıty.de" (dotless ı), "x@сity.de" (Cyrillic с) and "x@city.de" share one skeleton (User.email_skeleton, unique):
no second account can be registered under a look-alike address, and throttles count such variants together.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

import idna

CONFUSABLES = Path(__file__).resolve().parent / "data" / "confusables.txt"
# Longer input is not an address anyone can own (RFC 5321: 254); bounding it keeps the work per call small.
MAX_INPUT = 1000
# Stored keys are at most this long (User.email_key, User.email_skeleton); NFKC and IDNA can lengthen input.
MAX_KEY = 1024
# Hangul fillers and the Mongolian free variation selectors are default-ignorable without being format (Cf)
# characters; variation selectors are nonspacing marks that change no letter.
_IGNORABLE = {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180E, 0x180F, 0x3164, 0xFFA0}
_IGNORABLE_RANGES = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF), (0xE0000, 0xE0FFF))


def _ascii_domain(domain: str) -> str:
    """The domain in IDNA form (UTS #46 mapping); a domain IDNA refuses stays as it is (no account has one)."""
    if domain.isascii():
        return domain.casefold()
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return domain.casefold()


def _unicode_domain(domain: str) -> str:
    """The domain as people see it, so that look-alike letters inside an IDN domain reach the skeleton."""
    if "xn--" not in domain:
        return domain
    try:
        return idna.decode(domain)
    except (idna.IDNAError, UnicodeError, ValueError):
        return domain


def normalise(email: str) -> str:
    """The form an account's address is stored and looked up under: strip, NFKC, casefold, IDNA domain."""
    text = unicodedata.normalize("NFKC", (email or "")[:MAX_INPUT].strip())
    local, at, domain = text.rpartition("@")
    if not at:
        return text.casefold()
    return f"{local.casefold()}@{_ascii_domain(domain)}"


def is_plain(email: str) -> bool:
    """True when the typed address needs no compatibility mapping (no fullwidth letters, ligatures, …).

    Login accepts only such input: a compatibility variant of an address is never typed by its owner, and it
    is counted against the same account (the skeletons are equal) without logging in."""
    text = (email or "").strip()
    return unicodedata.normalize("NFKC", text) == text


def _ignorable(char: str) -> bool:
    code = ord(char)
    if unicodedata.category(char) == "Cf" or code in _IGNORABLE:
        return True
    return any(start <= code <= end for start, end in _IGNORABLE_RANGES)


@cache
def _prototypes() -> dict[str, str]:
    """confusables.txt as {character: prototype}; lines read `source ; target ; MA # comment`."""
    table = {}
    with CONFUSABLES.open(encoding="utf-8-sig") as lines:
        for line in lines:
            data = line.split("#", 1)[0].strip()
            if not data:
                continue
            source, target, *_ = (field.strip() for field in data.split(";"))
            table[chr(int(source, 16))] = "".join(chr(int(code, 16)) for code in target.split())
    return table


def _tr39_skeleton(text: str) -> str:
    """UTS #39 skeleton: drop default-ignorables, NFD, map each character to its prototype, NFD again."""
    table = _prototypes()
    text = unicodedata.normalize("NFD", "".join(c for c in text if not _ignorable(c)))
    return unicodedata.normalize("NFD", "".join(table.get(c, c) for c in text))


def skeleton(email: str) -> str:
    """The confusable skeleton of an address; look-alike spellings of one address have the same skeleton."""
    local, at, domain = normalise(email).rpartition("@")
    if not at:
        return _tr39_skeleton(domain)
    return _tr39_skeleton(f"{local}@{_unicode_domain(domain)}")


def confusable_owner(email: str, *, exclude_pk=None):
    """The existing account whose address looks like this one (same skeleton, including the same address)."""
    from .models import User  # models import this module for the keys they store

    key = skeleton(email)
    if not key or len(key) > MAX_KEY or "\x00" in key:  # PostgreSQL text holds no NUL: nobody's address
        return None
    return User.objects.filter(email_skeleton=key).exclude(pk=exclude_pk).first()


def account_for(email: str):
    """The account registered under exactly this address (after `normalise`), or None. Never a look-alike."""
    from .models import User

    key = normalise(email)
    if not key or len(key) > MAX_KEY or "\x00" in key:
        return None
    return User.objects.filter(email_key=key).first()
