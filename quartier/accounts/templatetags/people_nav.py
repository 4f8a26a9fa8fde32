"""The workspace navigation's link to the "Personen" area, for city and platform administrators."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import pgettext

from quartier.accounts.permissions import manages_people

register = template.Library()


@register.simple_tag(takes_context=True)
def people_link(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    city = getattr(request, "city", None)
    if user is None or city is None or not user.is_authenticated or not manages_people(user, city):
        return ""
    return format_html(
        '<li><a class="kern-link" href="{}">{}</a></li>',
        reverse("workspace:people"),
        pgettext("staff accounts", "Personen"),
    )
