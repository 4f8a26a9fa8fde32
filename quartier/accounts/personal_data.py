"""Requests for access and erasure (DSGVO Art. 15 and 17) for every kind of request with personal data: one
service and one workspace page (`views.workspace.person_request`), parametrised by a registry that each app
fills in its AppConfig.ready() with a `PersonalDataKind`.

Staff find one person's requests in their own scope by e-mail address, export everything stored, or erase the
contact data (core.personal.erase: the requests stay, anonymised).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from quartier.core import personal
from quartier.core.audit import audit_record


@dataclass(frozen=True)
class PersonalDataKind:
    """One kind of request with personal data, as the access-and-erasure page and service need it."""

    key: str  # the registry key, passed by the app's URL pattern
    model: type[personal.PersonalRequest]
    audit_prefix: str  # "suggestion" gives "suggestion.exported" and "suggestion.personal_data_erased"
    handles: Callable  # (user, city) -> bool: may use the page at all
    in_scope: Callable  # (user, city) -> QuerySet: the requests this user handles
    may_handle: Callable  # (user, request) -> bool: checked again on the locked row before erasing
    export_row: Callable  # (request) -> dict: everything stored about one request
    export_key: str  # the JSON key of the exported list
    export_filename: str
    template: str  # extends accounts/workspace/personal_data.html with the kind's wording
    url_name: str  # the page itself, to redirect to after erasing
    erased_message: Callable  # (n) -> str: the success message after erasing n requests
    ordering: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()


KINDS: dict[str, PersonalDataKind] = {}


def register(kind: PersonalDataKind) -> None:
    KINDS[kind.key] = kind


def kind_for(key: str) -> PersonalDataKind:
    return KINDS[key]


def person_requests(*, kind: PersonalDataKind, user, city, email: str) -> QuerySet:
    """The requests of this kind with this contact address that `user` handles."""
    email = (email or "").strip()
    if not email:
        return kind.model.objects.none()
    found = kind.in_scope(user, city).filter(**{f"{kind.model.EMAIL_FIELD}__iexact": email})
    if kind.ordering:
        found = found.order_by(*kind.ordering)
    return found.prefetch_related(*kind.prefetch) if kind.prefetch else found


def person_export(*, kind: PersonalDataKind, actor, requests) -> list[dict]:
    """Everything stored about one person's requests (Art. 15); each export is recorded in the audit log."""
    rows = []
    for request in requests:
        rows.append(kind.export_row(request))
        audit_record(actor=actor, action=f"{kind.audit_prefix}.exported", target=request)
    return rows


@transaction.atomic
def personal_data_erase(*, kind: PersonalDataKind, actor, request, reason: str):
    """Erase the contact data of one request (Art. 17 with an actor; the retention rule with actor None), under
    the row lock; staff only in their scope."""
    allowed = None if actor is None else lambda row: kind.may_handle(actor, row)
    locked = personal.lock(kind.model.objects.all(), request.pk, expected_version=None, allowed=allowed)
    return personal.erase(
        locked, actor=actor, reason=reason, action=f"{kind.audit_prefix}.personal_data_erased"
    )


@transaction.atomic
def person_erase(*, kind: PersonalDataKind, actor, requests, reason: str = "request") -> list:
    """Erase the contact data of all of one person's requests at once, or of none."""
    return [personal_data_erase(kind=kind, actor=actor, request=r, reason=reason) for r in requests]
