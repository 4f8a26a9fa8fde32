"""Idempotent writes (decision 0004): the same key and body answer the first answer again, another body 409.

The record is inserted in the same transaction as the write it guards. Two concurrent requests with one key
therefore meet at the unique constraint: the second waits for the first to commit, fails to insert, and replays
the first answer. A write that fails (invalid input) rolls its record back, so the key can be used again.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from ninja import Header

from .models import IdempotencyRecord

KEEP = timedelta(hours=24)
MAX_KEY_LENGTH = 200
KEY_REUSED = "This Idempotency-Key was used with another body."
HEADER = Header(
    None,
    alias="Idempotency-Key",
    pattern=r"^[\x21-\x7e][\x20-\x7e]{0,199}$",
    description="1 to 200 printable ASCII characters",
)


class KeyReused(Exception):
    """The key was used before with another body (409)."""


def body_hash(payload) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def lookup(scope: str, key: str) -> IdempotencyRecord | None:
    """The live record of (scope, key), or None. An expired record is removed so that the key can be used again."""
    found = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if found is not None and found.created_at < timezone.now() - KEEP:
        IdempotencyRecord.objects.filter(pk=found.pk, created_at=found.created_at).delete()
        return None
    return found


def replay(record: IdempotencyRecord, digest: str) -> tuple[int, dict, bool]:
    """The first answer again (status, payload, True), or KeyReused when the body differs."""
    if record.body_hash != digest:
        raise KeyReused
    return 200, record.response, True


def run_once(
    *,
    scope: str,
    key: str,
    digest: str,
    action: Callable[[], tuple[int, dict]],
    looked_up: bool = False,
) -> tuple[int, dict, bool]:
    """Run `action` once per (scope, key) within 24 hours. Returns (status, payload, replayed).

    `looked_up=True` says the caller has just called `lookup` and found nothing, which saves the query; a request
    with the same key that arrives in between still meets the unique constraint below.
    """
    if not looked_up:
        found = lookup(scope, key)
        if found is not None:
            return replay(found, digest)
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
        return replay(found, digest)
    return status, payload, False


class Submission:
    """One submission of a public form through the API, with or without an `Idempotency-Key`.

    `earlier()` answers a repeat before any rate limit is counted; `run(action)` runs the write once. Both raise
    KeyReused for a known key with another body (the caller answers 409 with KEY_REUSED).
    """

    def __init__(self, *, scope: str, key: str | None, body) -> None:
        self.scope, self.key, self.digest = scope, key, body_hash(body)
        # The service stores it to recognise a repeat that got past the record (derived, so a retry matches).
        self.submission_key = (
            hashlib.sha256((key + self.digest).encode()).hexdigest()[:64] if key else secrets.token_hex(16)
        )

    def earlier(self) -> tuple[int, dict] | None:
        """The first answer (200) of a repeat, or None."""
        found = lookup(self.scope, self.key) if self.key else None
        return replay(found, self.digest)[:2] if found is not None else None

    def run(self, action: Callable[[], tuple[int, dict]]) -> tuple[int, dict]:
        """(status, payload) of `action`, or of the first run with this key; `earlier()` was asked just before."""
        if not self.key:
            return action()
        status, payload, _replayed = run_once(
            scope=self.scope, key=self.key, digest=self.digest, action=action, looked_up=True
        )
        return status, payload


def purge(now=None) -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=(now or timezone.now()) - KEEP).delete()
    return deleted
