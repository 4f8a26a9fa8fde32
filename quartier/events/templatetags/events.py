from django import template

from quartier.core.languages import language_name as _language_name
from quartier.core.templatetags.l10n_formats import time_element

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    """The language's name in the active language (see core/languages.py)."""
    return _language_name(code)


# The same filter as in l10n_formats, for the templates that load this library.
register.filter("time_element", time_element, expects_localtime=True)
