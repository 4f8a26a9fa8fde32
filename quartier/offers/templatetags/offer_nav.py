"""The workspace navigation's link to the coverage matrix of offers, for the roles that may see it."""

from django import template
from django.utils.translation import gettext as _

from quartier.core.navigation import nav_item

register = template.Library()


@register.simple_tag(takes_context=True)
def offer_coverage_link(context):
    from quartier.offers.views.workspace import sees_coverage

    return nav_item(
        context, allowed=sees_coverage, url_name="workspace:offer_coverage", label=_("Abdeckung der Angebote")
    )
