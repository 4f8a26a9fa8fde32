from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html

from quartier.core.languages import language_name as _language_name

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    """The language's name in the active language (see core/languages.py)."""
    return _language_name(code)


@register.filter(expects_localtime=True)
def time_element(value, date_format: str = "DATETIME_FORMAT"):
    """`<time datetime="…">` around the formatted date, so that it can go into a translatable sentence whole."""
    if not value:
        return ""
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), date_filter(value, date_format))
