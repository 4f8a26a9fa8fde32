"""Every write to funding consultations: filing a request, the workflow steps (with optimistic locking and a step
row each), appointments, and the personal-data rules. Mails are outbox rows written in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from quartier.accounts import personal_data
from quartier.accounts.models import User
from quartier.accounts.selectors import work_recipients
from quartier.core import personal
from quartier.core.audit import audit_record, model_changes
from quartier.core.languages import supported_language
from quartier.offers.models import TargetGroup

from . import workflow
from .models import ConsultationSlot, ConsultationStep, FundingConsultation, FundingProgramme
from .personal_data import CONSULTATIONS
from .selectors import consultation_for

S = FundingConsultation.Status
MAX_TITLE = 200
MAX_TEXT = 10_000
MAX_PLACES = 10
MAX_SLOTS = 6
MAX_AMOUNT = Decimal("99999999.99")


# Someone else changed the consultation since the form was loaded; `current` is what is stored now.
Conflict = personal.Conflict


def _status_token_for(submission_key: str) -> str:
    """The status-link token of a submission (core.personal.status_token_for)."""
    return personal.status_token_for(FundingConsultation.STATUS_TOKEN_PURPOSE, submission_key)


def _status_url(consultation: FundingConsultation) -> str:
    """The requester's secret status link, absolute, for mails (the token is derived again from the key)."""
    token = _status_token_for(consultation.submission_key)
    with translation.override(consultation.language):
        path = reverse("public:funding_status", kwargs={"token": token})
    domain = consultation.city.domain
    return (f"https://{domain}" if domain else settings.SITE_URL.rstrip("/")) + path


def _text(value, field_name: str, *, minimum: int, maximum: int, errors: dict) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\x00", "").replace("\r\n", "\n").strip()
    if len(text) < minimum:
        errors[field_name] = _("Bitte schreiben Sie mindestens %(n)s Zeichen.") % {"n": minimum}
    elif len(text) > maximum:
        errors[field_name] = _("Bitte kürzen Sie auf höchstens %(n)s Zeichen.") % {"n": maximum}
    return text


def _amount(value, field_name: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", ".")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors[field_name] = _("Bitte geben Sie einen Betrag in Euro an, z. B. 4500.")
        return None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        errors[field_name] = _("Bitte geben Sie einen Betrag in Euro an, z. B. 4500.")
        return None
    return amount


@dataclass
class Request:
    """A project idea as the form or the API hands it over."""

    title: str
    description: str
    neighbourhoods: list
    target_groups: list[str] = field(default_factory=list)
    period_start: date | None = None
    period_end: date | None = None
    budget: object = None
    programmes: list = field(default_factory=list)
    organisation: object = None
    organisation_name: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    consent: bool = False


def _validate(*, city, request: Request) -> dict:
    """The cleaned values, or ValidationError with every problem at once."""
    errors: dict[str, str] = {}
    cleaned = {
        "title": _text(request.title, "title", minimum=3, maximum=MAX_TITLE, errors=errors),
        "description": _text(request.description, "description", minimum=20, maximum=MAX_TEXT, errors=errors),
        "organisation_name": " ".join(
            _text(
                request.organisation_name, "organisation_name", minimum=0, maximum=200, errors=errors
            ).split()
        ),
        "contact_name": " ".join(
            _text(request.contact_name, "contact_name", minimum=0, maximum=200, errors=errors).split()
        ),
        "contact_phone": _text(request.contact_phone, "contact_phone", minimum=0, maximum=40, errors=errors),
        "contact_email": ("" if request.contact_email is None else str(request.contact_email)).strip(),
    }
    places = list(request.neighbourhoods or [])
    if not places:
        errors["neighbourhoods"] = _("Bitte wählen Sie mindestens einen Stadtteil.")
    elif len(places) > MAX_PLACES:
        errors["neighbourhoods"] = _("Bitte wählen Sie höchstens %(n)s Stadtteile.") % {"n": MAX_PLACES}
    elif any(n.city_id != city.pk for n in places):
        errors["neighbourhoods"] = _("Ein Stadtteil gehört zu einer anderen Stadt.")
    groups = list(request.target_groups or [])
    if set(groups) - set(TargetGroup.values):
        errors["target_groups"] = _("Unbekannte Zielgruppe.")
    if cleaned["contact_email"]:
        try:
            validate_email(cleaned["contact_email"])
        except ValidationError:
            errors["contact_email"] = _("Bitte geben Sie eine gültige E-Mail-Adresse an.")
    if not (cleaned["contact_email"] or cleaned["contact_phone"]):
        errors["contact_email"] = _(
            "Bitte geben Sie eine E-Mail-Adresse oder Telefonnummer an, damit wir Sie erreichen."
        )
    if request.period_start and request.period_end and request.period_end < request.period_start:
        errors["period_end"] = _("Das Ende liegt vor dem Beginn.")
    cleaned["budget"] = _amount(request.budget, "budget", errors)
    programmes = list(request.programmes or [])
    if any(p.city_id != city.pk or not p.is_active for p in programmes):
        errors["programmes"] = _("Dieses Förderprogramm steht nicht zur Wahl.")
    if request.organisation is not None and request.organisation.city_id != city.pk:
        errors["organisation"] = _("Die Organisation gehört zu einer anderen Stadt.")
    if request.consent is not True:
        errors["consent"] = _("Bitte stimmen Sie der Verarbeitung Ihrer Angaben zu.")
    if errors:
        raise ValidationError(errors)
    cleaned.update(
        neighbourhoods=places,
        target_groups=list(dict.fromkeys(groups)),
        period_start=request.period_start,
        period_end=request.period_end,
        programmes=programmes,
        organisation=request.organisation,
    )
    return cleaned


def consultation_submit(
    *,
    city,
    request: Request,
    submission_key: str,
    status_url_for,
    language: str | None = None,
    channel: str = FundingConsultation.Channel.FORM,
    notify: bool = True,
) -> tuple[FundingConsultation, str, bool]:
    """File a request for funding advice and route it to the district's coordinators (or the fallback team).
    Returns (consultation, status token, created); a submission key used before returns the first request."""
    cleaned = _validate(city=city, request=request)
    if key_error := personal.submission_key_error(submission_key):
        raise ValidationError({"__all__": key_error})
    token = _status_token_for(submission_key)
    now = timezone.now()
    places = cleaned.pop("neighbourhoods")
    programmes = cleaned.pop("programmes")

    def create() -> FundingConsultation:
        consultation = FundingConsultation.objects.create(
            city=city,
            district=places[0].district,
            consent_at=now,
            language=supported_language(language or translation.get_language()),
            channel=channel,
            submission_key=submission_key,
            last_activity_at=now,
            **personal.status_link_fields(token, now),
            **cleaned,
        )
        consultation.neighbourhoods.set(places)
        consultation.districts.set({n.district_id for n in places})
        consultation.programmes.set(programmes)
        ConsultationStep.objects.create(consultation=consultation, to_status=S.REQUESTED)
        audit_record(
            actor=None,
            action="funding.requested",
            target=consultation,
            changes={"channel": channel, "with_contact": consultation.has_personal_data},
        )
        if notify:
            _notify_requested(consultation, token, status_url_for)
        return consultation

    consultation, created = personal.submit_once(
        FundingConsultation, city=city, submission_key=submission_key, create=create
    )
    return consultation, token, created


def _mail_requester(consultation: FundingConsultation, template: str, subject: str, **context) -> None:
    if not consultation.contact_email:
        return
    with translation.override(consultation.language):
        body = render_to_string(template, {"consultation": consultation, **context})
        EmailMessage(subject=str(subject), body=body, to=[consultation.contact_email]).send()


def _notify_requested(consultation: FundingConsultation, token: str, status_url_for) -> None:
    with translation.override(consultation.language):
        _mail_requester(
            consultation,
            "funding/email/requested.txt",
            _("Ihre Anfrage zur Förderberatung Nr. %(number)s") % {"number": consultation.pk},
            status_url=status_url_for(token),
        )
    recipients = work_recipients(city=consultation.city, district=consultation.district)
    addresses = sorted(u.email for u in recipients.users if u.work_mail == User.WorkMail.IMMEDIATE)
    if addresses:
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string(
                "funding/email/new_for_staff.txt", {"consultation": consultation, "via": recipients.label}
            )
            subject = _("Neue Anfrage zur Förderberatung Nr. %(number)s") % {"number": consultation.pk}
        EmailMessage(subject=subject, body=body, bcc=addresses).send()


# --- staff steps -----------------------------------------------------------------------------------------------


def _locked(actor, consultation: FundingConsultation, expected_version: int | None) -> FundingConsultation:
    """The consultation locked for this transaction; PermissionDenied outside the actor's scope (actor None: the
    requester by the status link), Conflict when `expected_version` is no longer the stored one (compared under
    the lock)."""
    if actor is not None and consultation_for(actor, consultation.city, consultation.pk) is None:
        raise PermissionDenied
    rows = FundingConsultation.objects.select_related("city", "district").defer(
        "city__boundary", "district__boundary"
    )
    return personal.lock(rows, consultation.pk, expected_version=expected_version)


def _step(
    actor, locked: FundingConsultation, to_status: str, message: str, fields: list[str], before
) -> FundingConsultation:
    from_status = locked.status
    locked.status = to_status
    if to_status in workflow.ENDED:
        locked.closed_at = timezone.now()
        fields.append("closed_at")
    personal.save_change(locked, [*fields, "status"])
    ConsultationStep.objects.create(
        consultation=locked, from_status=from_status, to_status=to_status, actor=actor, message=message
    )
    audit_record(
        actor=actor, action=f"funding.{to_status}", target=locked, changes=model_changes(before, locked)
    )
    return locked


@transaction.atomic
def consultation_slots_propose(
    *, actor, consultation, slots: list[tuple[datetime, datetime, str]], expected_version, message=""
):
    """Offer up to six appointments; earlier proposals that were not chosen are withdrawn."""
    locked = _locked(actor, consultation, expected_version)
    workflow.check(locked, S.SLOTS_PROPOSED, workflow.STAFF)
    errors: dict[str, str] = {}
    message = _text(message, "message", minimum=0, maximum=MAX_TEXT, errors=errors)
    now = timezone.now()
    if not slots:
        errors["slots"] = _("Bitte schlagen Sie mindestens einen Termin vor.")
    elif len(slots) > MAX_SLOTS:
        errors["slots"] = _("Bitte schlagen Sie höchstens %(n)s Termine vor.") % {"n": MAX_SLOTS}
    elif any(
        start >= end or start <= now or end - start > timedelta(hours=8) for start, end, _place in slots
    ):
        errors["slots"] = _(
            "Ein Termin liegt in der Vergangenheit, endet vor dem Beginn oder dauert über 8 Stunden."
        )
    if errors:
        raise ValidationError(errors)
    before = FundingConsultation.objects.get(pk=locked.pk)
    locked.slots.filter(is_chosen=False).update(is_withdrawn=True)
    locked.slots.filter(is_chosen=True).update(is_chosen=False, is_withdrawn=True)
    ConsultationSlot.objects.bulk_create(
        [
            ConsultationSlot(consultation=locked, starts_at=s, ends_at=e, place=str(p or "")[:200])
            for s, e, p in slots
        ]
    )
    done = _step(actor, locked, S.SLOTS_PROPOSED, message, [], before)
    with translation.override(done.language):
        _mail_requester(
            done,
            "funding/email/slots.txt",
            _("Terminvorschläge für Ihre Förderberatung"),
            status_url=_status_url(done),
        )
    return done


@transaction.atomic
def consultation_slot_choose(
    *, consultation, slot_id: int, actor=None, expected_version: int | None = None
) -> FundingConsultation:
    """The requester (by the status link, actor None) or staff confirm one of the proposed times. Staff pass the
    version their page showed; the requester's page has no version to compare (the workflow check decides)."""
    locked = _locked(actor, consultation, expected_version)
    workflow.check(locked, S.APPOINTMENT_CONFIRMED, workflow.STAFF if actor else workflow.REQUESTER)
    slot = locked.slots.filter(pk=slot_id, is_withdrawn=False, starts_at__gt=timezone.now()).first()
    if slot is None:
        raise ValidationError({"slot": _("Dieser Termin steht nicht mehr zur Wahl.")})
    before = FundingConsultation.objects.get(pk=locked.pk)
    ConsultationSlot.objects.filter(pk=slot.pk).update(is_chosen=True)
    return _step(actor, locked, S.APPOINTMENT_CONFIRMED, "", [], before)


@transaction.atomic
def consultation_advise(
    *, actor, consultation, notes: str, recommended: list, expected_version
) -> FundingConsultation:
    locked = _locked(actor, consultation, expected_version)
    workflow.check(locked, S.ADVISED, workflow.STAFF)
    errors: dict[str, str] = {}
    notes = _text(notes, "advice_notes", minimum=1, maximum=MAX_TEXT, errors=errors)
    if any(p.city_id != locked.city_id for p in recommended):
        errors["recommended_programmes"] = _("Ein Förderprogramm gehört zu einer anderen Stadt.")
    if errors:
        raise ValidationError(errors)
    before = FundingConsultation.objects.get(pk=locked.pk)
    locked.advice_notes = notes
    locked.recommended_programmes.set(recommended)
    return _step(actor, locked, S.ADVISED, "", ["advice_notes"], before)


@transaction.atomic
def consultation_mark_applied(
    *, actor, consultation, programme: FundingProgramme | None, expected_version, message=""
) -> FundingConsultation:
    locked = _locked(actor, consultation, expected_version)
    workflow.check(locked, S.APPLIED, workflow.STAFF if actor else workflow.REQUESTER)
    if programme is not None and programme.city_id != locked.city_id:
        raise ValidationError({"result_programme": _("Ein Förderprogramm gehört zu einer anderen Stadt.")})
    errors: dict[str, str] = {}
    message = _text(message, "message", minimum=0, maximum=MAX_TEXT, errors=errors)
    if errors:
        raise ValidationError(errors)
    before = FundingConsultation.objects.get(pk=locked.pk)
    locked.result_programme = programme
    return _step(actor, locked, S.APPLIED, message, ["result_programme"], before)


@transaction.atomic
def consultation_decide(
    *,
    actor,
    consultation,
    approved: bool,
    programme: FundingProgramme | None,
    amount,
    expected_version,
    message="",
) -> FundingConsultation:
    locked = _locked(actor, consultation, expected_version)
    to_status = S.APPROVED if approved else S.REJECTED
    workflow.check(locked, to_status, workflow.STAFF)
    errors: dict[str, str] = {}
    programme = programme or locked.result_programme
    if programme is None:
        errors["result_programme"] = _("Bitte geben Sie das Förderprogramm an.")
    elif programme.city_id != locked.city_id:
        errors["result_programme"] = _("Ein Förderprogramm gehört zu einer anderen Stadt.")
    value = _amount(amount, "result_amount", errors)
    if approved and value is None and "result_amount" not in errors:
        errors["result_amount"] = _("Bitte geben Sie den bewilligten Betrag an.")
    message = _text(message, "message", minimum=0, maximum=MAX_TEXT, errors=errors)
    if errors:
        raise ValidationError(errors)
    before = FundingConsultation.objects.get(pk=locked.pk)
    locked.result_programme = programme
    locked.result_amount = value if approved else None
    return _step(actor, locked, to_status, message, ["result_programme", "result_amount"], before)


@transaction.atomic
def consultation_project_start(
    *, actor, consultation, offers: list, events: list, expected_version, message=""
) -> FundingConsultation:
    locked = _locked(actor, consultation, expected_version)
    workflow.check(locked, S.RUNNING, workflow.STAFF)
    if any(o.city_id != locked.city_id for o in offers) or any(e.city_id != locked.city_id for e in events):
        raise ValidationError(
            {"offers": _("Ein Angebot oder eine Veranstaltung gehört zu einer anderen Stadt.")}
        )
    errors: dict[str, str] = {}
    message = _text(message, "message", minimum=0, maximum=MAX_TEXT, errors=errors)
    if errors:
        raise ValidationError(errors)
    before = FundingConsultation.objects.get(pk=locked.pk)
    locked.offers.set(offers)
    locked.events.set(events)
    return _step(actor, locked, S.RUNNING, message, [], before)


@transaction.atomic
def consultation_withdraw(
    *, consultation, actor=None, expected_version=None, message=""
) -> FundingConsultation:
    locked = _locked(actor, consultation, expected_version)
    workflow.check(locked, S.WITHDRAWN, workflow.STAFF if actor else workflow.REQUESTER)
    errors: dict[str, str] = {}
    message = _text(message, "message", minimum=0, maximum=MAX_TEXT, errors=errors)
    if errors:
        raise ValidationError(errors)
    before = FundingConsultation.objects.get(pk=locked.pk)
    locked.slots.filter(is_chosen=False).update(is_withdrawn=True)
    return _step(actor, locked, S.WITHDRAWN, message, [], before)


@transaction.atomic
def consultation_assign(*, actor, consultation, user, expected_version) -> FundingConsultation:
    locked = _locked(actor, consultation, expected_version)
    if user is not None and consultation_for(user, locked.city, locked.pk) is None:
        raise ValidationError(
            {"assigned_to": _("Diese Person bearbeitet keine Beratungen in diesem Stadtbezirk.")}
        )
    before = FundingConsultation.objects.get(pk=locked.pk)
    locked.assigned_to = user
    personal.save_change(locked, ["assigned_to"])
    audit_record(actor=actor, action="funding.assigned", target=locked, changes=model_changes(before, locked))
    return locked


def consultation_view_record(*, actor, consultation: FundingConsultation) -> None:
    """An audit entry each time staff open a consultation that holds personal data."""
    if consultation.has_personal_data:
        audit_record(actor=actor, action="funding.viewed", target=consultation)


# --- personal data ---------------------------------------------------------------------------------------------


def consultation_person_export(*, actor, consultations) -> list[dict]:
    """Everything stored about one person's consultations (DSGVO Art. 15), for the ones `actor` handles."""
    return personal_data.person_export(kind=CONSULTATIONS, actor=actor, requests=consultations)


def consultation_personal_data_erase(*, actor, consultation, reason: str) -> FundingConsultation:
    """Remove the contact data (on request, or by the retention rule); the idea stays, anonymised."""
    return personal_data.personal_data_erase(
        kind=CONSULTATIONS, actor=actor, request=consultation, reason=reason
    )


def consultations_personal_data_purge(*, now=None) -> int:
    """Contact data goes 6 months after the consultation ended, or 24 months after the last activity."""
    return personal.purge(
        FundingConsultation,
        lambda c: consultation_personal_data_erase(actor=None, consultation=c, reason="retention"),
        now,
    )
