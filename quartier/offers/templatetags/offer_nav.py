"""The workspace navigation's link to the coverage matrix of offers, for the roles that may see it."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def offer_coverage_link(context):
    from quartier.offers.views.workspace import sees_coverage

    request = context.get("request")
    user = getattr(request, "user", None)
    city = getattr(request, "city", None)
    if user is None or city is None or not user.is_authenticated or not sees_coverage(user, city):
        return ""
    return format_html(
        '<li><a class="kern-link" href="{}">{}</a></li>',
        reverse("workspace:offer_coverage"),
        _("Abdeckung der Angebote"),
    )
