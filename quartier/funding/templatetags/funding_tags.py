"""Template filters of funding advice."""

from django import template
from django.utils.translation import gettext as _

from quartier.core.formatting import format_when

register = template.Library()


@register.simple_tag
def project_period(start, end) -> str:
    """The planned period: both dates, or "ab …" / "bis …" when one end is open; empty when neither is known."""
    if start and end:
        return f"{format_when(start, 'SHORT_DATE_FORMAT')} – {format_when(end, 'SHORT_DATE_FORMAT')}"
    if start:
        return _("ab %(date)s") % {"date": format_when(start, "SHORT_DATE_FORMAT")}
    if end:
        return _("bis %(date)s") % {"date": format_when(end, "SHORT_DATE_FORMAT")}
    return ""
