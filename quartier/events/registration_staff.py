"""The organiser's side of registrations: per-date lists, CSV export, attendance, messages to everyone registered.

For the event's organisers and its reviewers (`permissions.can_manage_registrations`). Showing or exporting the
personal data is recorded in the audit log, as is every change and every message.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from quartier.core.audit import audit_record

from .models import Event, Registration, RegistrationMessage
from .occurrences import BERLIN, occurrences
from .permissions import can_manage_registrations
from .registration_services import RETENTION_DAYS

R = Registration.Status
MAX_SUBJECT = 150
MAX_BODY = 5000
MESSAGES_PER_DATE_PER_DAY = 3
PAST_DAYS = RETENTION_DAYS  # registrations of past dates are kept this long, so they are listed as long
AHEAD_DAYS = 365
MAX_DATES = 60


def _require(actor, event: Event) -> None:
    if not can_manage_registrations(actor, event):
        raise PermissionDenied


@dataclass
class DateSummary:
    """One date of an event with its counts (people, not registrations, except for cancellations)."""

    start: datetime
    end: datetime | None
    capacity: int | None
    confirmed: int = 0
    waiting: int = 0
    cancelled: int = 0

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)


@dataclass
class DateRegistrations:
    summary: DateSummary
    confirmed: list[Registration] = field(default_factory=list)
    waiting: list[Registration] = field(default_factory=list)  # in the order they move up
    cancelled: list[Registration] = field(default_factory=list)


def registration_dates(event: Event, now: datetime | None = None) -> list[DateSummary]:
    """The event's dates from 30 days back to a year ahead, and every other date someone registered for."""
    now = now or timezone.now()
    capacity = event.capacity if event.registration == Event.Registration.LIMITED else None
    found = occurrences(event, now - timedelta(days=PAST_DAYS), now + timedelta(days=AHEAD_DAYS))
    dates = {o.start: DateSummary(o.start, o.end, capacity) for o in found[:MAX_DATES]}
    rows = (
        Registration.objects.filter(event=event)
        .values_list("occurrence_start", "status")
        .annotate(people=Sum("people"), n=Count("id"))
        .order_by()
    )
    for start, status, people, n in rows:
        start = start.astimezone(BERLIN)
        summary = dates.setdefault(start, DateSummary(start, None, capacity))
        if status == R.CONFIRMED:
            summary.confirmed = people
        elif status == R.WAITING:
            summary.waiting = people
        else:
            summary.cancelled = n
    return sorted(dates.values(), key=lambda d: d.start)


def date_summary(event: Event, start: datetime) -> DateSummary | None:
    """One date of the event (an occurrence, or a date with registrations), or None."""
    return next((d for d in registration_dates(event) if d.start == start), None)


def date_registrations(*, actor, event: Event, start: datetime, audit: bool = True) -> DateRegistrations:
    """Everyone registered for one date, for the registrations page; the view is recorded in the audit log."""
    _require(actor, event)
    summary = date_summary(event, start)
    if summary is None:
        raise ValidationError(_("Diesen Termin gibt es bei dieser Veranstaltung nicht."))
    result = DateRegistrations(summary)
    for registration in Registration.objects.filter(event=event, occurrence_start=start).order_by(
        "created_at", "id"
    ):
        {R.CONFIRMED: result.confirmed, R.WAITING: result.waiting}.get(
            registration.status, result.cancelled
        ).append(registration)
    if audit and (result.confirmed or result.waiting or result.cancelled):
        audit_record(
            actor=actor,
            action="registration.list_viewed",
            target=event,
            changes={"occurrence": start.isoformat()},
        )
    return result


def registrations_export(*, actor, event: Event, start: datetime) -> DateRegistrations:
    """The same lists for the CSV export; recorded as an export with the number of rows."""
    result = date_registrations(actor=actor, event=event, start=start, audit=False)
    audit_record(
        actor=actor,
        action="registration.exported",
        target=event,
        changes={
            "occurrence": start.isoformat(),
            "rows": len(result.confirmed) + len(result.waiting) + len(result.cancelled),
        },
    )
    return result


def attendance_open(start: datetime, today=None) -> bool:
    """Attendance is marked from the day of the date on (in Berlin)."""
    return start.astimezone(BERLIN).date() <= (today or timezone.localdate())


@transaction.atomic
def registration_set_attendance(
    *, actor, event: Event, registration_id: int, attended: bool | None, start: datetime
) -> Registration:
    """Mark whether a confirmed person came (None: not marked). Idempotent: the request names the value, so a
    repeated or concurrent request changes nothing and writes no second audit entry."""
    _require(actor, event)
    if attended not in (True, False, None):
        raise ValidationError(_("Bitte wählen Sie „da“, „nicht da“ oder „offen“."))
    registration = (
        Registration.objects.select_for_update()
        .filter(event=event, occurrence_start=start, pk=registration_id)
        .first()
        if isinstance(registration_id, int) and not isinstance(registration_id, bool)
        else None
    )
    if registration is None:
        raise ValidationError(_("Diese Anmeldung gibt es nicht (mehr)."))
    if registration.status != R.CONFIRMED:
        raise ValidationError(_("Anwesenheit kann nur für bestätigte Anmeldungen eingetragen werden."))
    if not attendance_open(registration.occurrence_start):
        raise ValidationError(_("Die Anwesenheit kann erst am Tag der Veranstaltung eingetragen werden."))
    if registration.attended is attended:
        return registration
    before = registration.attended
    registration.attended = attended
    registration.save(update_fields=["attended", "status_changed_at"])
    audit_record(
        actor=actor,
        action="registration.attendance",
        target=registration,
        changes={"attended": [before, attended]},
    )
    return registration


def _clean_subject(subject) -> str:
    subject = " ".join(str(subject or "").split())
    if not subject:
        raise ValidationError({"subject": _("Bitte geben Sie einen Betreff an.")})
    if len(subject) > MAX_SUBJECT:
        raise ValidationError({"subject": _("Der Betreff ist zu lang (höchstens 150 Zeichen).")})
    if any(unicodedata.category(c) in {"Cc", "Cf"} for c in subject):
        raise ValidationError({"subject": _("Der Betreff enthält unzulässige Zeichen.")})
    return subject


def _clean_body(body) -> str:
    body = str(body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        raise ValidationError({"body": _("Bitte schreiben Sie eine Nachricht.")})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": _("Die Nachricht ist zu lang (höchstens 5000 Zeichen).")})
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in body):
        raise ValidationError({"body": _("Die Nachricht enthält unzulässige Zeichen.")})
    return body


@transaction.atomic
def registration_message_send(
    *, actor, event: Event, start: datetime, subject: str, body: str, include_waiting: bool = False
) -> RegistrationMessage:
    """Write to everyone registered (confirmed, optionally also waiting) for one date, one e-mail each, through
    the outbox; the message is recorded (without addresses) and at most three go out per date and day."""
    errors: dict = {}
    cleaned = {}
    for name, cleaner, value in (("subject", _clean_subject, subject), ("body", _clean_body, body)):
        try:
            cleaned[name] = cleaner(value)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    # The lock serialises senders, so that the daily limit holds when two people send at once.
    locked = Event.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=event.pk)
    _require(actor, locked)
    summary = date_summary(locked, start)
    if summary is None:
        raise ValidationError(_("Diesen Termin gibt es bei dieser Veranstaltung nicht."))
    recent = RegistrationMessage.objects.filter(
        event=locked, occurrence_start=start, created_at__gte=timezone.now() - timedelta(days=1)
    ).count()
    if recent >= MESSAGES_PER_DATE_PER_DAY:
        raise ValidationError(
            _(
                "Für diesen Termin wurden in den letzten 24 Stunden schon %(n)s Nachrichten verschickt. Bitte warten Sie."
            )
            % {"n": recent}
        )
    statuses = [R.CONFIRMED, R.WAITING] if include_waiting else [R.CONFIRMED]
    recipients = list(
        Registration.objects.filter(event=locked, occurrence_start=start, status__in=statuses).order_by("id")
    )
    if not recipients:
        raise ValidationError(_("Für diesen Termin ist niemand angemeldet, dem wir schreiben könnten."))
    reply_to = [locked.organisation.email] if locked.organisation.email else None
    for registration in recipients:
        with translation.override(registration.language):
            text = render_to_string(
                "events/email/registration_message.txt",
                {
                    "body": cleaned["body"],
                    "event": locked,
                    "start": start.astimezone(BERLIN),
                    "registration": registration,
                },
            )
        EmailMessage(subject=cleaned["subject"], body=text, to=[registration.email], reply_to=reply_to).send()
    end = summary.end or start
    message = RegistrationMessage.objects.create(
        event=locked,
        occurrence_start=start,
        sender=actor,
        include_waiting=bool(include_waiting),
        recipients=len(recipients),
        delete_after=end + timedelta(days=RETENTION_DAYS),
        **cleaned,
    )
    audit_record(
        actor=actor,
        action="registration.message_sent",
        target=locked,
        changes={"occurrence": start.isoformat(), "recipients": len(recipients), "message": message.pk},
    )
    return message


def messages_for(event: Event, start: datetime):
    return RegistrationMessage.objects.filter(event=event, occurrence_start=start).select_related("sender")
