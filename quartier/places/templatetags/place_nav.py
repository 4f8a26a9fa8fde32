"""The workspace navigation's link to the postcode ↔ Stadtteil pairs, for city and platform administrators."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..permissions import can_edit_postcode_pairs

register = template.Library()


@register.simple_tag(takes_context=True)
def postcode_pairs_link(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    city = getattr(request, "city", None)
    if user is None or city is None or not user.is_authenticated or not can_edit_postcode_pairs(user, city):
        return ""
    return format_html(
        '<li><a class="kern-link" href="{}">{}</a></li>',
        reverse("workspace:postcode_pairs"),
        _("Postleitzahlen"),
    )
