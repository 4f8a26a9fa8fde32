from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import translation
from django.utils.html import format_html

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


@register.filter(expects_localtime=True)
def time_element(value, date_format: str = "DATETIME_FORMAT"):
    """`<time datetime="…">` around the formatted date, so that it can go into a translatable sentence whole."""
    if not value:
        return ""
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), date_filter(value, date_format))
