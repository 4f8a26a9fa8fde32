"""`{% workspace_menu %}`: the workspace navigation's links for the request's user and city (site/menu.py)."""

from django import template

from quartier.site.menu import menu_for

register = template.Library()


@register.inclusion_tag("site/workspace_menu.html", takes_context=True)
def workspace_menu(context):
    request = context.get("request")
    return {"links": menu_for(getattr(request, "user", None), getattr(request, "city", None))}
