"""Template helpers for finding things from where people are: how many filters of a list are in use."""

from django import template

register = template.Library()


@register.filter
def active_filters(form) -> int:
    """How many of the form's filters have a value in the request (the folded filters' summary says it)."""
    if not getattr(form, "is_bound", False):
        return 0
    return sum(1 for name in form.fields if str(form.data.get(name, "")).strip() not in ("", "False"))
