"""Template tags for forms: whether the page shows a form that came back with errors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django import template
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet

register = template.Library()


def _has_errors(value, depth: int = 0) -> bool:
    if isinstance(value, BaseForm):
        return value.is_bound and bool(value.errors)
    if isinstance(value, BaseFormSet):
        return value.is_bound and not value.is_valid()
    if depth > 0:
        return False
    # One level down: pages with several forms pass them as a dict or a list (suggestion and funding detail).
    if isinstance(value, Mapping):
        return any(_has_errors(v, depth + 1) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_errors(v, depth + 1) for v in value if isinstance(v, BaseForm | Iterable))
    return False


@register.simple_tag(takes_context=True)
def page_has_form_errors(context) -> bool:
    """True when any form in the page's context was sent and has errors (or the view says so: `form_failed`)."""
    flat = context.flatten()
    if flat.get("form_failed"):
        return True
    return any(_has_errors(value) for value in flat.values())
