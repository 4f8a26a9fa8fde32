"""One throttle for everything that guesses at an account: login (site and admin), second factor, password reset.

Each kind counts per account and per client (ratelimit.client_identity) in the cache (quartier.core.ratelimit).
The account is the confusable skeleton of the typed address (emails.skeleton), so "x@cıty.de", "x@сity.de" and
"ｘ@city.de" count and lock together with "x@city.de".

Login and second factor count failures: `guard` before the check, `failed` or `succeeded` after it. `guard`
reserves the attempt before the (slow) password check, so parallel guesses cannot pass the limit together;
`succeeded` gives the client's reservation back and clears the account. Password reset counts every request:
`guard` alone counts it and refuses over the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from django.conf import settings

from quartier.core import ratelimit

from . import emails


class Throttled(Exception):
    """Too many attempts for this account or from this client; `minutes` says how long to wait."""

    def __init__(self, minutes: int):
        super().__init__(minutes)
        self.minutes = minutes


@dataclass(frozen=True)
class Rule:
    per_account: int
    per_client: int
    window: int
    every_request: bool  # True: every request counts; False: only failures count


# Many people of one office share a client address: a client may fail (or ask) more often than one account.
CLIENT_FACTOR = 4


def rule(kind: str) -> Rule:
    if kind in ("login", "second-factor"):
        limit = settings.LOGIN_MAX_FAILURES
        return Rule(limit, limit * CLIENT_FACTOR, settings.LOGIN_LOCKOUT_SECONDS, every_request=False)
    if kind == "password-reset":
        limit = settings.PASSWORD_RESET_LIMIT
        return Rule(limit, limit * CLIENT_FACTOR, settings.PASSWORD_RESET_WINDOW_SECONDS, every_request=True)
    raise ValueError(f"unknown throttle kind: {kind!r}")


def account_key(account) -> str:
    """The identity counted for an account: the skeleton of its address ('' when nothing usable was typed)."""
    email = getattr(account, "email", account)
    return emails.skeleton(email) if isinstance(email, str) and email.strip() else ""


def _client(request) -> str | None:
    return ratelimit.client_identity(request) if request is not None else None


def _scopes(kind: str, request, account) -> list[tuple[str, str, int]]:
    """(scope, identity, limit) for the account and the client, whichever are known."""
    limits = rule(kind)
    scopes = []
    key = account_key(account)
    if key:
        scopes.append((f"throttle:{kind}:account", key, limits.per_account))
    client = _client(request)
    if client is not None:
        scopes.append((f"throttle:{kind}:client", client, limits.per_client))
    return scopes


def _reservations(request) -> set:
    if request is None:
        return set()
    if not hasattr(request, "_quartier_throttle"):
        request._quartier_throttle = set()
    return request._quartier_throttle


def minutes(kind: str) -> int:
    return max(1, ceil(rule(kind).window / 60))


def guard(kind: str, *, request, account) -> None:
    """Raise Throttled when the account or the client is over the limit for this kind.

    Counts this attempt right away (atomically); for failure-counted kinds the count is a reservation that
    `succeeded` gives back for the client."""
    limits = rule(kind)
    counted = []
    over = False
    for scope, identity, limit in _scopes(kind, request, account):
        counted.append((scope, identity))
        if ratelimit.hit(scope, identity, window=limits.window) > limit:
            over = True
    if over:
        if not limits.every_request:
            # A refused attempt is no guess: give the places back, so a lock does not extend itself.
            for scope, identity in counted:
                ratelimit.release(scope, identity)
        raise Throttled(minutes(kind))
    if not limits.every_request:
        _reservations(request).add((kind, account_key(account)))


def failed(kind: str, *, request, account) -> None:
    """Count a failed attempt (already counted when `guard` reserved it in this request)."""
    limits = rule(kind)
    reserved = _reservations(request)
    marker = (kind, account_key(account))
    if marker in reserved:
        reserved.discard(marker)
        return
    for scope, identity, _limit in _scopes(kind, request, account):
        ratelimit.hit(scope, identity, window=limits.window)


def succeeded(kind: str, *, request, account) -> None:
    """Clear the account's failures; a reserved attempt of the client is given back."""
    reserved = _reservations(request)
    marker = (kind, account_key(account))
    key = marker[1]
    if marker in reserved:
        reserved.discard(marker)
        client = _client(request)
        if client is not None:
            ratelimit.release(f"throttle:{kind}:client", client)
    if key:
        ratelimit.reset(f"throttle:{kind}:account", key)


def count(kind: str, *, account) -> int:
    """How many attempts are counted for this account now (for administrators' views and tests)."""
    key = account_key(account)
    return ratelimit.count(f"throttle:{kind}:account", key) if key else 0
