"""Registrations without an account: register, cancel by secret link, move the waiting list up, purge.

Capacity is counted per occurrence while the event row is locked (select_for_update on PostgreSQL; SQLite runs
every transaction as IMMEDIATE, which serialises writers), so concurrent registrations never exceed it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from quartier.core.audit import audit_record
from quartier.core.formatting import format_when
from quartier.core.languages import supported_language
from quartier.core.tokens import new_token, token_hash

from .models import Event, Registration, RegistrationMessage
from .occurrences import BERLIN, Occurrence, occurrences

RETENTION_DAYS = 30
MAX_PEOPLE = 20
MAX_NAME = 200
MAX_EMAIL = 254

R = Registration.Status


def _clean_name(name) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError({"name": _("Bitte geben Sie Ihren Namen an.")})
    if len(name) > MAX_NAME:
        raise ValidationError({"name": _("Der Name ist zu lang (höchstens 200 Zeichen).")})
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise ValidationError({"name": _("Der Name enthält unzulässige Zeichen.")})
    return name


def _clean_email(email) -> str:
    email = str(email or "").strip()
    message = _("Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@beispiel.de.")
    if not email or len(email) > MAX_EMAIL:
        raise ValidationError({"email": message})
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": message}) from exc
    return email


def _clean_people(people) -> int:
    if isinstance(people, bool) or not isinstance(people, int) or not 1 <= people <= MAX_PEOPLE:
        raise ValidationError({"people": _("Bitte geben Sie eine Zahl von 1 bis 20 an.")})
    return people


def _occurrence(event: Event, start) -> Occurrence:
    """The event's occurrence that begins exactly at `start`, if it lies in the future."""
    if not isinstance(start, datetime) or start.tzinfo is None:
        raise ValidationError(_("Bitte wählen Sie einen Termin der Veranstaltung."))
    found = occurrences(event, start, start + timedelta(microseconds=1))
    if not found:
        raise ValidationError(_("Diesen Termin gibt es bei dieser Veranstaltung nicht."))
    if found[0].start <= timezone.now():
        raise ValidationError(_("Dieser Termin hat bereits begonnen; eine Anmeldung ist nicht mehr möglich."))
    return found[0]


def deadline_passed(event: Event, now: datetime | None = None) -> bool:
    """Whether the organiser's registration deadline (Anmeldeschluss) has passed."""
    return bool(event.registration_deadline and (now or timezone.now()) >= event.registration_deadline)


def deadline_message(event: Event) -> str:
    deadline = timezone.localtime(event.registration_deadline)
    return _("Die Anmeldung ist seit %(deadline)s geschlossen (Anmeldeschluss).") % {
        "deadline": format_when(deadline, "DATETIME_FORMAT")
    }


def _check_open(event: Event) -> None:
    if event.status != Event.Status.PUBLISHED or event.revision_of_id:
        raise ValidationError(_("Für diese Veranstaltung ist keine Anmeldung möglich."))
    if event.registration == Event.Registration.NONE:
        raise ValidationError(_("Für diese Veranstaltung ist keine Anmeldung nötig."))
    if deadline_passed(event):
        raise ValidationError(deadline_message(event))


def group_too_large_message(capacity: int, people: int) -> str:
    return _(
        "Für diesen Termin gibt es insgesamt nur %(capacity)s Plätze. Eine Gruppe von %(people)s Personen "
        "kann deshalb auch über die Warteliste keinen Platz bekommen. Bitte melden Sie weniger Personen an "
        "oder fragen Sie die Veranstaltenden."
    ) % {"capacity": capacity, "people": people}


NO_PLACES_LEFT = gettext_noop(
    "Für diesen Termin gibt es keine Plätze mehr, und die Warteliste ist voll. Eine Anmeldung ist nicht mehr möglich."
)


@dataclass(frozen=True)
class Availability:
    """Places of one occurrence as the public sees them."""

    capacity: int | None  # None: no limit
    taken: int  # confirmed people
    waiting: int  # people on the waiting list
    waiting_list_size: int | None  # None: no limit

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)

    @property
    def state(self) -> str:
        """ "unlimited", "open" (places left), "waiting_list" (full, the waiting list takes more) or "full"."""
        if self.capacity is None:
            return "unlimited"
        if self.left and not self.waiting:
            return "open"
        if self.waiting_list_size is None or self.waiting < self.waiting_list_size:
            return "waiting_list"
        return "full"


def availability(event: Event, starts: Iterable[datetime]) -> dict[datetime, Availability]:
    """Places per occurrence start, in one query."""
    starts = list(starts)
    counts: dict[tuple, int] = {}
    if starts and event.registration == Event.Registration.LIMITED:
        rows = (
            Registration.objects.filter(
                event=event, occurrence_start__in=starts, status__in=[R.CONFIRMED, R.WAITING]
            )
            .values_list("occurrence_start", "status")
            .annotate(n=Sum("people"))
            .order_by()
        )
        counts = {(start, status): n for start, status, n in rows}
    limited = event.registration == Event.Registration.LIMITED
    return {
        start: Availability(
            capacity=(event.capacity or 0) if limited else None,
            taken=counts.get((start, R.CONFIRMED), 0),
            waiting=counts.get((start, R.WAITING), 0),
            waiting_list_size=event.waiting_list_size,
        )
        for start in starts
    }


def _confirmed_people(event: Event, occurrence_start: datetime) -> int:
    return (
        Registration.objects.filter(
            event=event, occurrence_start=occurrence_start, status=R.CONFIRMED
        ).aggregate(n=Sum("people"))["n"]
        or 0
    )


def waiting_position(registration: Registration) -> int:
    """1 for the first group on the waiting list of its occurrence, and so on."""
    earlier = Registration.objects.filter(
        event_id=registration.event_id,
        occurrence_start=registration.occurrence_start,
        status=R.WAITING,
        created_at__lte=registration.created_at,
    ).exclude(created_at=registration.created_at, id__gte=registration.pk)
    return earlier.count() + 1


# Subjects are translated when sent, in the registrant's language.
SUBJECT_CONFIRMED = gettext_noop("Anmeldung bestätigt: %(title)s")
SUBJECT_WAITING = gettext_noop("Warteliste: %(title)s")
SUBJECT_MOVED_UP = gettext_noop("Sie haben einen Platz: %(title)s")


def _send(registration: Registration, template: str, subject: str, **context) -> None:
    """Write to the registrant in the language they registered in; `subject` is a msgid with %(title)s."""
    with translation.override(registration.language):
        subject = _(subject) % {"title": registration.event.title}
        body = render_to_string(
            template,
            {
                "registration": registration,
                "event": registration.event,
                "start": registration.occurrence_start.astimezone(BERLIN),
                "retention_days": RETENTION_DAYS,
                **context,
            },
        )
    # A line break in a header would make the mail library refuse the message.
    EmailMessage(subject=" ".join(subject.split()), body=body, to=[registration.email]).send()


@transaction.atomic
def registration_create(
    *,
    event: Event,
    occurrence_start: datetime,
    name: str,
    email: str,
    people: int,
    cancel_url_for: Callable[[str], str],
    language: str | None = None,
) -> tuple[Registration, str]:
    """Register for one occurrence: confirmed while places are free, else on the waiting list.

    `language` is the page language the person registers in (default: the active one); unknown values fall back
    to the site's default. `cancel_url_for(token)` builds the secret cancel link for the confirmation e-mail and
    is called with that language active, so the link opens the page in it. Returns the registration and the
    token (only its hash is stored).
    """
    errors: dict[str, list] = {}
    cleaned = {}
    for field, cleaner, value in (
        ("name", _clean_name, name),
        ("email", _clean_email, email),
        ("people", _clean_people, people),
    ):
        try:
            cleaned[field] = cleaner(value)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    # The lock on the event row serialises registrations and cancellations of all its occurrences.
    locked = Event.objects.select_for_update().get(pk=event.pk)
    _check_open(locked)
    occurrence = _occurrence(locked, occurrence_start)
    status = R.CONFIRMED
    if locked.registration == Event.Registration.LIMITED:
        capacity = locked.capacity or 0
        # Checked under the lock, so that a capacity lowered meanwhile counts: a group larger than all places
        # would wait for ever.
        if cleaned["people"] > capacity:
            raise ValidationError({"people": group_too_large_message(capacity, cleaned["people"])})
        places = availability(locked, [occurrence.start])[occurrence.start]
        # Nobody passes the waiting list: a newcomer who fits still queues behind those already waiting.
        if places.waiting or places.taken + cleaned["people"] > capacity:
            status = R.WAITING
            limit = locked.waiting_list_size
            if limit is not None and places.waiting + cleaned["people"] > limit:
                raise ValidationError(_(NO_PLACES_LEFT))
    token, digest = new_token()
    registration = Registration(
        event=locked,
        occurrence_start=occurrence.start,
        status=status,
        cancel_token_hash=digest,
        delete_after=occurrence.end + timedelta(days=RETENTION_DAYS),
        language=supported_language(translation.get_language() if language is None else language),
        **cleaned,
    )
    registration.full_clean()
    registration.save()
    audit_record(
        actor=None,
        action="registration.created",
        target=registration,
        changes={"status": [None, status], "people": [None, registration.people]},
    )
    position = waiting_position(registration) if status == R.WAITING else None
    with translation.override(registration.language):
        cancel_url = cancel_url_for(token)
    _send(
        registration,
        "events/email/registration_created.txt",
        SUBJECT_CONFIRMED if status == R.CONFIRMED else SUBJECT_WAITING,
        cancel_url=cancel_url,
        position=position,
    )
    return registration, token


def registration_for_token(token: str) -> Registration | None:
    """The registration behind a cancel link, or None when the token is wrong or the occurrence has begun."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    return (
        Registration.objects.select_related("event", "event__city")
        .filter(cancel_token_hash=token_hash(token), occurrence_start__gt=timezone.now())
        .first()
    )


def _move_up(event: Event, occurrence_start: datetime) -> list[Registration]:
    """Confirm waiting groups strictly in order while they fit; the event row must be locked by the caller."""
    if (
        event.status != Event.Status.PUBLISHED
        or event.registration != Event.Registration.LIMITED
        or occurrence_start <= timezone.now()
    ):
        return []
    free = (event.capacity or 0) - _confirmed_people(event, occurrence_start)
    moved = []
    waiting = Registration.objects.filter(
        event=event, occurrence_start=occurrence_start, status=R.WAITING
    ).order_by("created_at", "id")
    for registration in waiting:
        if registration.people > free:
            break  # fair: a smaller later group does not jump the queue
        free -= registration.people
        registration.status = R.CONFIRMED
        registration.save(update_fields=["status", "status_changed_at"])
        audit_record(
            actor=None,
            action="registration.moved_up",
            target=registration,
            changes={"status": [R.WAITING, R.CONFIRMED]},
        )
        moved.append(registration)
    return moved


@transaction.atomic
def registration_cancel(*, token: str) -> Registration:
    """Cancel by secret link (idempotent) and move the waiting list up; those moved up are told by e-mail."""
    found = registration_for_token(token)
    if found is None:
        raise ValidationError(_("Dieser Link ist ungültig oder abgelaufen."))
    event = Event.objects.select_for_update().get(pk=found.event_id)
    registration = Registration.objects.select_related("event").get(pk=found.pk)
    if registration.status == R.CANCELLED:
        return registration
    before = registration.status
    registration.status = R.CANCELLED
    registration.save(update_fields=["status", "status_changed_at"])
    audit_record(
        actor=None,
        action="registration.cancelled",
        target=registration,
        changes={"status": [before, R.CANCELLED]},
    )
    waiting_list_move_up(event=event, occurrence_start=registration.occurrence_start)
    return registration


def waiting_list_move_up(*, event: Event, occurrence_start: datetime) -> list[Registration]:
    """Confirm the waiting groups that now fit, in order, and tell them; the caller holds the event row lock."""
    moved = _move_up(event, occurrence_start)
    for registration in moved:
        registration.event = event
        _send(registration, "events/email/registration_moved_up.txt", SUBJECT_MOVED_UP)
    return moved


def registrations_purge(*, now: datetime | None = None) -> int:
    """Delete registrations, and the records of messages to them, whose retention has run out (30 days after
    their occurrence); returns the number of registrations."""
    now = now or timezone.now()
    RegistrationMessage.objects.filter(delete_after__lt=now).delete()
    _, by_model = Registration.objects.filter(delete_after__lt=now).delete()
    return by_model.get(Registration._meta.label, 0)
