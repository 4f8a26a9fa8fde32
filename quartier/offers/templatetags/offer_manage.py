"""The workspace navigation's link to the offers an organisation or a coordinator may maintain."""

from django import template
from django.utils.translation import gettext as _

from quartier.core.navigation import nav_item
from quartier.offers.permissions import manages_offers

register = template.Library()


@register.simple_tag(takes_context=True)
def offer_manage_link(context):
    return nav_item(
        context, allowed=manages_offers, url_name="workspace:offers", label=_("Angebote verwalten")
    )
