"""Suggestions as a kind of request with personal data, for the shared access-and-erasure page and service
(accounts.personal_data); registered in apps.py."""

from __future__ import annotations

from django.utils.translation import ngettext

from quartier.accounts.personal_data import PersonalDataKind

from . import selectors
from .models import Suggestion
from .permissions import can_handle, handles_suggestions


def export_row(s: Suggestion) -> dict:
    """Everything stored about one suggestion (DSGVO Art. 15)."""
    return {
        "id": s.pk,
        "created_at": s.created_at.isoformat(),
        "name": s.name,
        "email": s.email,
        "consent_at": s.consent_at.isoformat(),
        "language": s.language,
        "text": s.text,
        "topic": s.topic,
        "neighbourhood": s.neighbourhood.name if s.neighbourhood else None,
        "status": s.status,
        "outcome": s.outcome,
        "public_answer": s.public_answer,
        "steps": [{"status": st.to_status, "at": st.created_at.isoformat()} for st in s.steps.all()],
    }


def erased_message(n: int) -> str:
    return ngettext(
        "Die Kontaktdaten wurden bei %(n)s Vorschlag gelöscht.",
        "Die Kontaktdaten wurden bei %(n)s Vorschlägen gelöscht.",
        n,
    ) % {"n": n}


SUGGESTIONS = PersonalDataKind(
    key="suggestions",
    model=Suggestion,
    audit_prefix="suggestion",
    handles=handles_suggestions,
    in_scope=selectors.inbox,
    may_handle=can_handle,
    export_row=export_row,
    export_key="suggestions",
    export_filename="vorschlaege-auskunft.json",
    template="suggestions/workspace/person.html",
    url_name="workspace:suggestion_person",
    erased_message=erased_message,
    prefetch=("steps",),
)
