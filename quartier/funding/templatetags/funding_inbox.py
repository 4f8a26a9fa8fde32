"""The workspace navigation's link to funding advice, with the number of open consultations."""

from django import template

from quartier.funding import selectors
from quartier.funding.permissions import handles_consultations
from quartier.funding.workflow import OPEN

register = template.Library()


@register.inclusion_tag("funding/workspace/nav_link.html", takes_context=True)
def funding_inbox_link(context):
    """Shown only to people who handle consultations; the count is of the open ones in their scope."""
    request = context.get("request")
    user = getattr(request, "user", None)
    city = getattr(request, "city", None)
    if user is None or city is None or not user.is_authenticated:
        return {"show": False}
    if not handles_consultations(user, city):
        return {"show_own": selectors.own_organisations(user, city).exists()}
    return {"show": True, "open_count": selectors.inbox(user, city).filter(status__in=OPEN).count()}
