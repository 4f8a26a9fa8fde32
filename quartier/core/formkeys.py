"""Signed one-time form keys for public forms: a hidden field carrying a fresh submission key and the time the form
was served. A double submit repeats the key (one record, not two); the time gives the minimum fill time check."""

from __future__ import annotations

import re
import secrets
import time

from django.core import signing

MAX_AGE = 24 * 3600
_SUBMISSION_KEY = re.compile(r"^[0-9a-f]{32}$")


def new(salt: str) -> str:
    """A signed, timestamped value carrying a fresh one-time submission key (for the hidden field)."""
    return signing.TimestampSigner(salt=salt).sign_object({"key": secrets.token_hex(16), "t": time.time()})


def read(salt: str, value: str, *, max_age: int = MAX_AGE) -> tuple[str, float] | None:
    """(submission key, seconds since the form was served), or None if the value is tampered, missing or old."""
    if not value or len(value) > 500:
        return None
    try:
        data = signing.TimestampSigner(salt=salt).unsign_object(value, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    key, served = data.get("key"), data.get("t")
    if not isinstance(key, str) or not _SUBMISSION_KEY.match(key) or not isinstance(served, int | float):
        return None
    return key, time.time() - served
