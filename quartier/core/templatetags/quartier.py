from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def fill_in(value):
    """The operator's value, or a visible marker that the operator still has to supply it."""
    if value in (None, ""):
        return format_html('<span class="fill-in">{}</span>', _("vom Betreiber auszufüllen"))
    return value
