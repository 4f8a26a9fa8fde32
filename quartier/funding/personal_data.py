"""Funding consultations as a kind of request with personal data, for the shared access-and-erasure page and
service (accounts.personal_data); registered in apps.py."""

from __future__ import annotations

from django.utils.translation import ngettext

from quartier.accounts.personal_data import PersonalDataKind

from . import selectors
from .models import FundingConsultation
from .permissions import handles_consultations


def may_handle(user, consultation: FundingConsultation) -> bool:
    return selectors.consultation_for(user, consultation.city, consultation.pk) is not None


def export_row(c: FundingConsultation) -> dict:
    """Everything stored about one consultation (DSGVO Art. 15)."""
    return {
        "id": c.pk,
        "created_at": c.created_at.isoformat(),
        "organisation_name": c.organisation_name,
        "contact_name": c.contact_name,
        "contact_email": c.contact_email,
        "contact_phone": c.contact_phone,
        "consent_at": c.consent_at.isoformat(),
        "language": c.language,
        "title": c.title,
        "description": c.description,
        "neighbourhoods": [n.name for n in c.neighbourhoods.all()],
        "status": c.status,
        "steps": [{"status": s.to_status, "at": s.created_at.isoformat()} for s in c.steps.all()],
        "appointments": [
            {"starts_at": s.starts_at.isoformat(), "chosen": s.is_chosen} for s in c.slots.all()
        ],
    }


def erased_message(n: int) -> str:
    return ngettext(
        "Die Kontaktdaten wurden bei %(n)s Beratung gelöscht.",
        "Die Kontaktdaten wurden bei %(n)s Beratungen gelöscht.",
        n,
    ) % {"n": n}


CONSULTATIONS = PersonalDataKind(
    key="funding",
    model=FundingConsultation,
    audit_prefix="funding",
    handles=handles_consultations,
    in_scope=selectors.inbox,
    may_handle=may_handle,
    export_row=export_row,
    export_key="funding_consultations",
    export_filename="foerderberatung-auskunft.json",
    template="funding/workspace/person.html",
    url_name="workspace:funding_person",
    erased_message=erased_message,
    ordering=("created_at", "pk"),
    prefetch=("steps", "neighbourhoods", "slots"),
)
