"""The view decorator that declares a view's permission. The predicates themselves live in each app's
permissions.py (the role sets in accounts/permissions.py); this module knows no roles, so every layer can use it."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

Predicate = Callable[..., bool]  # predicate(user, city) -> bool


def requires(*predicates: Predicate):
    """Declares a view's permission: a visitor who is not logged in is sent to the login page; a logged-in user
    for whom any `predicate(user, city)` is false gets 403. The predicates stay readable on the view as
    `view.permission` (the access matrix lists them). Object-level scope still comes from the app's selectors."""

    def decorate(view):
        @functools.wraps(view)
        def checked(request, *args, **kwargs):
            for predicate in predicates:
                if not predicate(request.user, request.city):
                    raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded = login_required(checked)
        guarded.permission = predicates
        return guarded

    return decorate
