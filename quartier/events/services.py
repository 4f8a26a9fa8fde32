"""Writes for events: drafts by organisers, the review steps by coordinators, with e-mail to both sides."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from quartier.accounts.selectors import work_recipients
from quartier.core import listcache
from quartier.core.audit import audit_record, model_changes

from . import workflow
from .models import Event, EventOccurrence, EventStep
from .occurrences import occurrences
from .permissions import is_organiser
from .selectors import list_scope

S = Event.Status
PUBLIC = (S.PUBLISHED, S.CANCELLED)


def _slug(title: str) -> str:
    return slugify(title.replace("ß", "ss"))[:200] or "veranstaltung"


@transaction.atomic
def event_create_draft(*, actor, organisation, **fields) -> Event:
    """A new draft of `organisation`; only its members may create one."""
    if not organisation.members.filter(user=actor).exists():
        raise PermissionDenied
    event = Event(
        city=organisation.city, organisation=organisation, created_by=actor, status=S.DRAFT, **fields
    )
    event.slug = _slug(event.title)
    event.full_clean()
    event.save()
    audit_record(actor=actor, action="event.created", target=event, changes=model_changes(None, event))
    return event


@transaction.atomic
def event_update(*, actor, event: Event, **fields) -> Event:
    """Edit a draft or a returned event (organisers only); published events change through the workflow."""
    locked = Event.objects.select_for_update().select_related("organisation", "city").get(pk=event.pk)
    if not is_organiser(actor, locked):
        raise PermissionDenied
    if locked.status not in workflow.EDITABLE:
        raise ValidationError(_("Nur Entwürfe und zurückgegebene Veranstaltungen können bearbeitet werden."))
    before = Event.objects.get(pk=locked.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.slug = _slug(locked.title)
    locked.full_clean()
    locked.save()
    sync_occurrences(locked)
    changes = model_changes(before, locked)
    if changes:
        audit_record(actor=actor, action="event.updated", target=locked, changes=changes)
    return locked


def sync_occurrences(event: Event) -> int:
    """Make the event's occurrence rows match the event: every occurrence while it is public, none otherwise.

    Call after every write that can change the dates, recurrence, city or status of an event.
    """
    listcache.bump(list_scope(event.city_id))
    EventOccurrence.objects.filter(event_id=event.pk).delete()
    if event.status not in PUBLIC:
        return 0
    rows = EventOccurrence.objects.bulk_create(
        EventOccurrence(event_id=event.pk, city_id=event.city_id, start=o.start, end=o.end)
        for o in occurrences(event)
    )
    return len(rows)


def _notify(event: Event, step: EventStep, recipients: list[str]) -> None:
    if not recipients:
        return
    body = render_to_string("events/email/step.txt", {"event": event, "step": step})
    subject = _("Veranstaltung „%(title)s“: %(status)s") % {
        "title": event.title,
        "status": S(step.to_status).label,
    }
    EmailMessage(subject=subject, body=body, bcc=sorted(set(recipients))).send()


def _organiser_addresses(event: Event) -> list[str]:
    return [m.user.email for m in event.organisation.members.select_related("user") if m.user.is_active]


def _registrant_addresses(event: Event) -> dict[str, list[str]]:
    """People registered for a coming occurrence (confirmed or waiting), by the language they registered in;
    they are told when the event is cancelled."""
    from .models import Registration

    by_language: dict[str, list[str]] = {}
    rows = event.registrations.filter(
        status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING],
        occurrence_start__gte=timezone.now(),
    ).values_list("language", "email")
    for language, email in rows:
        by_language.setdefault(language, []).append(email)
    return by_language


def _reviewer_addresses(event: Event) -> list[str]:
    return [u.email for u in work_recipients(city=event.city, district=event.district).users]


@transaction.atomic
def event_transition(*, actor, event: Event, to_status: str, message: str = "") -> Event:
    """Take one workflow step; the table in workflow.py decides whether it exists and who may take it."""
    locked = (
        Event.objects.select_for_update(of=("self",))
        .select_related("organisation", "city", "neighbourhood__district")
        .get(pk=event.pk)
    )
    workflow.check(actor, locked, to_status)
    message = (message or "").strip()
    if to_status in (S.RETURNED, S.REJECTED) and not message:
        raise ValidationError(_("Bitte schreiben Sie der Organisation, was zu ändern ist oder warum."))
    if to_status == S.CANCELLED and not message:
        raise ValidationError(_("Bitte geben Sie den Grund der Absage an."))
    if len(message) > 2000:
        raise ValidationError(_("Die Nachricht ist zu lang (höchstens 2000 Zeichen)."))
    step = EventStep.objects.create(
        event=locked, from_status=locked.status, to_status=to_status, actor=actor, message=message
    )
    before = locked.status
    locked.status = to_status
    fields = ["status", "updated_at"]
    if to_status in (S.RETURNED, S.REJECTED):
        locked.review_message = message
        fields.append("review_message")
    if to_status == S.PUBLISHED:
        locked.published_at = timezone.now()
        locked.review_message = ""
        fields += ["published_at", "review_message"]
    if to_status == S.CANCELLED:
        locked.cancel_reason = message
        fields.append("cancel_reason")
    locked.save(update_fields=fields)
    sync_occurrences(locked)
    audit_record(
        actor=actor, action=f"event.{to_status}", target=locked, changes={"status": [before, to_status]}
    )
    if to_status == S.CANCELLED:
        # One message per language, so that every registrant reads it in the language they registered in.
        for language, addresses in sorted(_registrant_addresses(locked).items()):
            with translation.override(language):
                _notify(locked, step, addresses)
    if to_status == S.SUBMITTED:
        _notify(locked, step, _reviewer_addresses(locked))
    else:
        _notify(
            locked,
            step,
            _organiser_addresses(locked) + (_reviewer_addresses(locked) if to_status == S.CANCELLED else []),
        )
    return locked
