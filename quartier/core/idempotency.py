"""Idempotent writes (DESIGN.md): the same key and body answer the first answer again, another body 409.

The record is inserted in the same transaction as the write it guards. Two concurrent requests with one key
therefore meet at the unique constraint: the second waits for the first to commit, fails to insert, and replays
the first answer. A write that fails (invalid input) rolls its record back, so the key can be used again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import IdempotencyRecord

KEEP = timedelta(hours=24)
MAX_KEY_LENGTH = 200


class KeyReused(Exception):
    """The key was used before with another body (409)."""


def body_hash(payload) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def run_once(
    *, scope: str, key: str, digest: str, action: Callable[[], tuple[int, dict]]
) -> tuple[int, dict, bool]:
    """Run `action` once per (scope, key) within 24 hours. Returns (status, payload, replayed)."""
    IdempotencyRecord.objects.filter(scope=scope, key=key, created_at__lt=timezone.now() - KEEP).delete()
    found = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if found is not None:
        return _replay(found, digest)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(scope=scope, key=key, body_hash=digest)
            status, payload = action()
            record.status, record.response = status, payload
            record.save(update_fields=["status", "response"])
    except IntegrityError:
        found = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if found is None:  # the conflict was another constraint of the action itself
            raise
        return _replay(found, digest)
    return status, payload, False


def _replay(record: IdempotencyRecord, digest: str) -> tuple[int, dict, bool]:
    if record.body_hash != digest:
        raise KeyReused
    return 200, record.response, True


def purge(now=None) -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=(now or timezone.now()) - KEEP).delete()
    return deleted
