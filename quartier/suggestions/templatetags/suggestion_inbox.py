"""The workspace navigation's link to the inbox, with the number of open suggestions."""

from django import template

from quartier.core import listcache
from quartier.suggestions import selectors
from quartier.suggestions.permissions import handles_suggestions
from quartier.suggestions.workflow import OPEN

register = template.Library()


@register.inclusion_tag("suggestions/workspace/nav_link.html", takes_context=True)
def suggestion_inbox_link(context):
    """Shown only to people who handle suggestions; the count is of the open ones in their scope."""
    request = context.get("request")
    user = getattr(request, "user", None)
    city = getattr(request, "city", None)
    if user is None or city is None or not user.is_authenticated or not handles_suggestions(user, city):
        return {"show": False}
    count = listcache.cached_bytes(  # on every workspace page: cached like the inbox itself
        selectors.inbox_cache_scope(city.pk),
        ("open-count", user.pk),
        lambda: str(selectors.inbox(user, city).filter(status__in=OPEN).count()).encode(),
    )
    return {"show": True, "open_count": int(count)}
