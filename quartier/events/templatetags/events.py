from django import template
from django.utils import translation

from ..forms import LANGUAGE_CHOICES

register = template.Library()
_NAMES = dict(LANGUAGE_CHOICES)


@register.filter
def language_name(code: str) -> str:
    """The language's name in the active language: ours for the languages the forms offer, else Django's, else
    the code itself."""
    if code in _NAMES and code:
        return str(_NAMES[code])
    try:
        return str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        return code
