"""The workspace navigation's link to the city's audit log ("Protokoll"), for city and platform administrators."""

from django import template
from django.utils.translation import pgettext

from quartier.accounts.permissions import manages_people
from quartier.core.navigation import nav_item

register = template.Library()


@register.simple_tag(takes_context=True)
def audit_log_link(context):
    return nav_item(
        context,
        allowed=manages_people,
        url_name="workspace:audit",
        label=pgettext("audit log", "Protokoll"),
    )
