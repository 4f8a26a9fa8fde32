"""The audit log: one call records who changed what and when."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from .models import AuditEntry

MAX_INLINE_JSON = 2000


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (dict, list)):
        # JSON values compare by content (PostgreSQL's jsonb does not keep key order); large ones such as
        # boundaries are recorded by digest, so that the log says *that* they changed without copying them.
        text = json.dumps(value, sort_keys=True, separators=(",", ":"))
        if len(text) > MAX_INLINE_JSON:
            return {"sha256": hashlib.sha256(text.encode()).hexdigest(), "bytes": len(text)}
        return value
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def model_changes(before: models.Model | None, after: models.Model) -> dict[str, list[Any]]:
    """Fields whose values differ between two states of a record, as {field: [old, new]}."""
    changes: dict[str, list[Any]] = {}
    for field in after._meta.concrete_fields:
        if field.name in {"updated_at", "created_at", "password", "last_login"}:
            continue
        new = _plain(getattr(after, field.attname))
        old = _plain(getattr(before, field.attname)) if before is not None else None
        if before is None or old != new:
            if before is None and new in (None, "", [], {}):
                continue
            changes[field.name] = [old, new]
    return changes


# How a record reaches its city, tried in this order (the core migration 0004 backfills with the same list).
CITY_PATHS = (
    "city",
    "event__city",
    "organisation__city",
    "suggestion__city",
    "consultation__city",
    "offer__city",
    "neighbourhood__city",
    "district__city",
)


def city_of(target: models.Model):
    """The id of the city a record belongs to, or None (no city, or an account with roles in several cities)."""
    if target._meta.label_lower == "places.city":
        return target.pk
    if target._meta.label_lower == "accounts.user":
        # An account belongs to the cities it has roles in; only a single one is unambiguous.
        cities = set(target.memberships.values_list("city_id", flat=True)) if target.pk else set()
        return cities.pop() if len(cities) == 1 else None
    for path in CITY_PATHS:
        current = target
        for part in path.split("__"):
            try:
                field = current._meta.get_field(part)
            except FieldDoesNotExist:
                current = None
                break
            if not field.is_relation or field.many_to_many or field.one_to_many:
                current = None
                break
            if field.related_model._meta.label_lower == "places.city":
                return getattr(current, field.attname)
            current = getattr(current, part, None)
            if current is None:
                break
    return None


def audit_record(
    *, actor, action: str, target: models.Model, changes: dict | None = None, city=None
) -> AuditEntry:
    """Write one audit entry for an action of `actor` (a user or None for the system) on `target`.

    The entry's city is `city` when given (a City or its id), else the target's own (`city_of`)."""
    city_id = city_of(target) if city is None else getattr(city, "pk", city)
    label = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        label = actor.get_username()
    elif actor is None:
        label = "system"
    return AuditEntry.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=label,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:255],
        changes=changes or {},
        city_id=city_id,
    )
