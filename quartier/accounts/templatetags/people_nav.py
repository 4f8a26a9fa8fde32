"""The workspace navigation's link to the "Personen" area, for city and platform administrators."""

from django import template
from django.utils.translation import pgettext

from quartier.accounts.permissions import manages_people
from quartier.core.navigation import nav_item

register = template.Library()


@register.simple_tag(takes_context=True)
def people_link(context):
    return nav_item(
        context,
        allowed=manages_people,
        url_name="workspace:people",
        label=pgettext("staff accounts", "Personen"),
    )
