"""The workspace navigation's link to the offers an organisation or a coordinator may maintain."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def offer_manage_link(context):
    from quartier.offers.views.manage import manages_offers

    request = context.get("request")
    user = getattr(request, "user", None)
    city = getattr(request, "city", None)
    if user is None or city is None or not user.is_authenticated or not manages_offers(user, city):
        return ""
    return format_html(
        '<li><a class="kern-link" href="{}">{}</a></li>', reverse("workspace:offers"), _("Angebote verwalten")
    )
