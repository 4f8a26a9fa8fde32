"""Requests that carry a person's data (suggestions, funding consultations; next conference registrations and
Kompetenzteam records): the secret status link, the contact data with its deletion rule, optimistic versions
checked under the row lock, submitting once, and erasure (decisions 0015 and 0016).

A model takes the shared fields from `PersonalRequest` and names its own contact fields (`PERSONAL_FIELDS`); the
services of its app call the functions here, so that every such request behaves alike.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import audit_record
from .tokens import token_hash

MAX_SUBMISSION_KEY = 64
MAX_TOKEN = 100


class PersonalRequest(models.Model):
    """The fields every request with personal data shares. The concrete model declares its contact fields in
    `PERSONAL_FIELDS` (the first e-mail field in `EMAIL_FIELD`), the states in which it is over in
    `ENDED_STATUSES`, and the purpose of its `STATUS_TOKEN_PURPOSE` for the status link.

    Deletion rule (decision 0016): the contact fields are emptied 6 months after the request is over
    (QUARTIER_SUGGESTION_KEEP_CLOSED_DAYS), or 24 months after its last activity if it never ends
    (QUARTIER_SUGGESTION_KEEP_INACTIVE_DAYS); the request itself stays, anonymised. The status link lives as long.
    """

    PERSONAL_FIELDS: tuple[str, ...] = ()
    EMAIL_FIELD = ""
    ENDED_STATUSES: frozenset[str] = frozenset()
    STATUS_TOKEN_PURPOSE = ""

    consent_at = models.DateTimeField(gettext_lazy("Einwilligung am"))
    # Optimistic locking: every change raises the version; a change made against an older version is refused.
    version = models.PositiveIntegerField(gettext_lazy("Version"), default=1)
    # Only a hash of the status-link token is kept.
    status_token_hash = models.CharField(
        gettext_lazy("Statuslink (Prüfwert)"), max_length=64, unique=True, editable=False
    )
    status_link_expires_at = models.DateTimeField(gettext_lazy("Statuslink gültig bis"))
    # One submission (a form's one-time key, or the API's Idempotency-Key) makes one request, never two.
    submission_key = models.CharField(gettext_lazy("Einreichungsschlüssel"), max_length=64, editable=False)
    last_activity_at = models.DateTimeField(gettext_lazy("letzte Aktivität"), db_index=True)
    closed_at = models.DateTimeField(gettext_lazy("abgeschlossen am"), null=True, blank=True)
    personal_data_removed_at = models.DateTimeField(
        gettext_lazy("persönliche Angaben gelöscht am"), null=True, blank=True
    )

    class Meta:
        abstract = True

    @property
    def has_personal_data(self) -> bool:
        return any(getattr(self, name) for name in self.PERSONAL_FIELDS)

    @property
    def personal_data_deletion_date(self) -> datetime | None:
        """When the retention rule removes the contact data as things stand (None: there is none)."""
        if not self.has_personal_data:
            return None
        due = self.last_activity_at + timedelta(days=settings.SUGGESTION_KEEP_INACTIVE_DAYS)
        if self.status in self.ENDED_STATUSES and self.closed_at is not None:
            due = min(due, self.closed_at + timedelta(days=settings.SUGGESTION_KEEP_CLOSED_DAYS))
        return due

    @classmethod
    def with_personal_data(cls) -> QuerySet:
        return cls.objects.exclude(**{name: "" for name in cls.PERSONAL_FIELDS})

    @classmethod
    def retention_due(cls, now: datetime | None = None) -> QuerySet:
        """The requests whose contact data the retention rule removes at `now`."""
        now = now or timezone.now()
        ended_before = now - timedelta(days=settings.SUGGESTION_KEEP_CLOSED_DAYS)
        inactive_before = now - timedelta(days=settings.SUGGESTION_KEEP_INACTIVE_DAYS)
        return cls.with_personal_data().filter(
            Q(status__in=cls.ENDED_STATUSES, closed_at__lt=ended_before)
            | Q(last_activity_at__lt=inactive_before)
        )


class Conflict(Exception):
    """Someone else changed the request since the form was loaded; `current` is what is stored now."""

    def __init__(self, current: PersonalRequest):
        super().__init__("changed meanwhile")
        self.current = current


# --- the secret status link ------------------------------------------------------------------------------------


def status_token_for(purpose: str, submission_key: str) -> str:
    """The status-link token of a submission, derived from its one-time key with the secret key.

    Derived rather than random so that a repeated submission (a double click, a retried API call) can show the
    same link again; only its hash is stored. The key itself is random (form) or bound to the body (API).
    """
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{purpose}:{submission_key}".encode(), "sha256"
    ).hexdigest()


def status_link_fields(token: str, now: datetime) -> dict:
    """The stored half of a new status link: the token's hash and how long the link works."""
    return {
        "status_token_hash": token_hash(token),
        "status_link_expires_at": now + timedelta(days=settings.SUGGESTION_KEEP_INACTIVE_DAYS),
    }


def by_status_token(queryset: QuerySet, token: str):
    """The request the status link `token` opens, or None for a wrong or expired token."""
    if not token or len(token) > MAX_TOKEN:
        return None
    return queryset.filter(
        status_token_hash=token_hash(token), status_link_expires_at__gt=timezone.now()
    ).first()


# --- submitting once -------------------------------------------------------------------------------------------


def submission_key_error(submission_key: str) -> str | None:
    """The form's message for a missing or malformed one-time key, or None."""
    if not submission_key or len(submission_key) > MAX_SUBMISSION_KEY:
        return _("Das Formular ist unvollständig. Bitte laden Sie die Seite neu.")
    return None


def submit_once(
    model: type[PersonalRequest], *, city, submission_key: str, create
) -> tuple[PersonalRequest, bool]:
    """Run `create()` (which writes the request and what belongs to it) once per (city, submission key).

    A key used before (a double click, a retried request), or the same key at the same moment: the model's unique
    constraint on (city, submission_key) decides, and the first request is the answer (created False).
    """
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        existing = model.objects.filter(city=city, submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, False


# --- optimistic versions ---------------------------------------------------------------------------------------


def lock(
    queryset: QuerySet, pk: int, *, expected_version: int | None, allowed: Callable | None = None
) -> PersonalRequest:
    """The row, locked until the transaction ends; PermissionDenied unless `allowed(row)` (when given), then
    `Conflict` if its version is not `expected_version`.

    The version is compared under the lock, so of two changes made against the same version exactly one wins
    (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the write transaction, begun IMMEDIATE, serialises them).
    None skips the comparison (steps that add to a request rather than change it). Call inside a transaction.
    """
    locked = queryset.select_for_update(of=("self",)).get(pk=pk)
    if allowed is not None and not allowed(locked):
        raise PermissionDenied
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(locked)
    return locked


def save_change(request: PersonalRequest, fields: list[str]) -> PersonalRequest:
    """Store a change of a locked request: a new version and a new last activity with the changed fields."""
    request.version += 1
    request.last_activity_at = timezone.now()
    request.save(update_fields=[*fields, "version", "last_activity_at", "updated_at"])
    return request


# --- erasure ---------------------------------------------------------------------------------------------------


def erase(request: PersonalRequest, *, actor, reason: str, action: str) -> PersonalRequest:
    """Empty the contact fields of a locked request (on request, or by the retention rule) and record it; the
    request stays, anonymised. A request without contact data is left as it is."""
    if not request.has_personal_data:
        return request
    for name in request.PERSONAL_FIELDS:
        setattr(request, name, "")
    request.personal_data_removed_at = timezone.now()
    request.version += 1
    request.save(
        update_fields=[*request.PERSONAL_FIELDS, "personal_data_removed_at", "version", "updated_at"]
    )
    audit_record(actor=actor, action=action, target=request, changes={"reason": reason})
    return request


def purge(model: type[PersonalRequest], erase_one, now: datetime | None = None) -> int:
    """Apply the retention rule: `erase_one(request)` for every request that is due; returns how many."""
    count = 0
    for request in model.retention_due(now).only("pk").iterator(chunk_size=500):
        erase_one(request)
        count += 1
    return count
