"""Entries of the workspace navigation that apps contribute, shown only to those a predicate allows."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils.html import format_html


def nav_item(context, *, allowed: Callable, url_name: str, label) -> str:
    """One `<li>` link of the navigation, or nothing when the request's user may not use it in its city."""
    request = context.get("request")
    user = getattr(request, "user", None)
    city = getattr(request, "city", None)
    if user is None or city is None or not user.is_authenticated or not allowed(user, city):
        return ""
    return format_html('<li><a class="kern-link" href="{}">{}</a></li>', reverse(url_name), label)
