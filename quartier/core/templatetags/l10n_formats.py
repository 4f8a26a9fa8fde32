"""Dates and numbers in the page language's conventions: `{{ value|when:"WEEKDAY_DATETIME_FORMAT" }}`,
`{{ value|time_element:"DATE_FORMAT" }}`, `{{ population|number }}` (see quartier/core/formatting.py)."""

from django import template
from django.utils.html import format_html

from quartier.core.formatting import format_number, format_when

register = template.Library()


@register.filter(expects_localtime=True)
def when(value, name: str = "DATE_FORMAT") -> str:
    """The date or time in the named format of the active language."""
    return format_when(value, name)


@register.filter(expects_localtime=True)
def time_element(value, name: str = "DATETIME_FORMAT"):
    """`<time datetime="…">` around the formatted value, so that it can go into a translatable sentence whole."""
    if value in (None, ""):
        return ""
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), format_when(value, name))


@register.filter
def number(value, decimals=None) -> str:
    """A number with the language's separators; `decimals` digits after the point if given."""
    try:
        places = int(decimals) if decimals not in (None, "") else None
    except (TypeError, ValueError):
        places = None
    return format_number(value, places)
