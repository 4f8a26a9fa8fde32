"""The site's languages, for values that come from outside (a page's language, an API header, stored data)."""

from django.conf import settings
from django.utils import translation


def supported_language(code) -> str:
    """One of the site's languages: `code` when it is one (or a regional variant of one), else the default."""
    try:
        return translation.get_supported_language_variant(str(code or ""), strict=True)
    except (LookupError, ValueError):
        return settings.LANGUAGE_CODE
