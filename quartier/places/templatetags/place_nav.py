"""The workspace navigation's link to the postcode ↔ Stadtteil pairs, for city and platform administrators."""

from django import template
from django.utils.translation import gettext as _

from quartier.core.navigation import nav_item

from ..permissions import can_edit_postcode_pairs

register = template.Library()


@register.simple_tag(takes_context=True)
def postcode_pairs_link(context):
    return nav_item(
        context,
        allowed=can_edit_postcode_pairs,
        url_name="workspace:postcode_pairs",
        label=_("Postleitzahlen"),
    )
