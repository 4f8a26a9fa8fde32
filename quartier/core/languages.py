"""The site's languages, for values that come from outside (a page's language, an API header, stored data)."""

import functools

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils import translation
from django.utils.functional import lazy


def supported_language(code) -> str:
    """One of the site's languages: `code` when it is one (or a regional variant of one), else the default."""
    try:
        return translation.get_supported_language_variant(str(code or ""), strict=True)
    except (LookupError, ValueError):
        return settings.LANGUAGE_CODE


# --- names of languages -----------------------------------------------------------------------------------
# One source for every language name on pages, in filters, PDFs, e-mails and the API: the Unicode CLDR data
# through Babel, in the page's language. CLDR knows far more languages than Django's own list (which lacks
# Kurdish, Somali, Tigrinya and others that residents of Essen speak).

# The content languages editors can choose for events and offers, in the order the forms offer them.
CONTENT_LANGUAGES = (
    "de", "en", "ar", "tr", "uk", "ru", "fa", "prs", "ps", "ku", "so", "ti", "sq", "ro", "bg", "pl",
    "fr", "es", "it",
)  # fmt: skip

# Codes CLDR files under another name: Dari (ISO 639-3 prs) is Persian as spoken in Afghanistan (fa_AF).
_CLDR_CODE = {"prs": "fa_AF"}


@functools.lru_cache(maxsize=16)
def _cldr_locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse(settings.LANGUAGE_CODE)


def language_name(code, language: str | None = None) -> str:
    """The name of the language `code` in `language` (default: the active one), e.g. "ku" → "Kurdisch".

    Falls back to the German name, then to the English one; the code itself only for a code CLDR does not know.
    """
    code = str(code or "").strip()
    if not code:
        return ""
    key = _CLDR_CODE.get(code.lower(), code.replace("-", "_"))
    page_language = supported_language(language or translation.get_language())
    for locale_code in (page_language, settings.LANGUAGE_CODE, "en"):
        names = _cldr_locale(locale_code).languages
        name = names.get(key) or names.get(key.split("_")[0].lower())
        if name:
            return name
    return code


language_name_lazy = lazy(language_name, str)


def language_choices(codes=CONTENT_LANGUAGES) -> list[tuple[str, str]]:
    """(code, name) pairs whose names follow the active language when they are shown."""
    return [(code, language_name_lazy(code)) for code in codes]
