from django import template

from ..forms import LANGUAGE_CHOICES

register = template.Library()
_NAMES = dict(LANGUAGE_CHOICES)


@register.filter
def language_name(code: str) -> str:
    """The language's name in the page's language, or the code when we do not know it."""
    name = _NAMES.get(code)
    return str(name) if name and code else code
