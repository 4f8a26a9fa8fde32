"""Writes for events: drafts by organisers, the review steps by coordinators, with e-mail to both sides."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from quartier.accounts.selectors import work_recipients
from quartier.core import listcache
from quartier.core.audit import audit_record, model_changes

from . import selectors, workflow
from .models import Event, EventOccurrence, EventStep, Registration
from .occurrences import BERLIN, occurrences
from .permissions import is_organiser
from .registration_services import RETENTION_DAYS, _send, waiting_list_move_up
from .selectors import list_scope

S = Event.Status
PUBLIC = (S.PUBLISHED, S.CANCELLED)


def _slug(title: str) -> str:
    return slugify(title.replace("ß", "ss"))[:200] or "veranstaltung"


@transaction.atomic
def event_create_draft(*, actor, organisation, **fields) -> Event:
    """A new draft of `organisation`; only its members may create one (coordinators in their districts only)."""
    event = Event(
        city=organisation.city, organisation=organisation, created_by=actor, status=S.DRAFT, **fields
    )
    if not is_organiser(actor, event):
        raise PermissionDenied
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
    if not is_organiser(actor, locked):  # moved to a place outside a coordinator's districts
        raise PermissionDenied
    locked.slug = _slug(locked.title)
    locked.full_clean()
    locked.save()
    event_occurrences_sync(event=locked)
    changes = model_changes(before, locked)
    if changes:
        audit_record(actor=actor, action="event.updated", target=locked, changes=changes)
    return locked


def event_occurrences_sync(*, event: Event) -> int:
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
    if locked.revision_of_id and to_status == S.CANCELLED:
        raise ValidationError(_("Eine Änderung kann nicht abgesagt werden."))
    message = (message or "").strip()
    if to_status in (S.RETURNED, S.REJECTED) and not message:
        raise ValidationError(_("Bitte schreiben Sie der Organisation, was zu ändern ist oder warum."))
    if to_status == S.CANCELLED and not message:
        raise ValidationError(_("Bitte geben Sie den Grund der Absage an."))
    if len(message) > 2000:
        raise ValidationError(_("Die Nachricht ist zu lang (höchstens 2000 Zeichen)."))
    if locked.revision_of_id and to_status == S.PUBLISHED:
        return _revision_publish(actor=actor, revision=locked, message=message)
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
    event_occurrences_sync(event=locked)
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


# --- editing a published event ------------------------------------------------------------------------------


def _check_registrations_fit(event: Event, new: Event) -> None:
    """A change must not strand people who registered: no switching registration off while people are
    registered, no fewer places than are taken for a coming date."""
    now = timezone.now()
    active = Registration.objects.filter(
        event=event,
        occurrence_start__gt=now,
        status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING],
    )
    if new.registration == Event.Registration.NONE and active.exists():
        raise ValidationError(
            {
                "registration": _(
                    "Es sind schon Personen angemeldet; die Anmeldung kann nicht abgeschaltet werden."
                )
            }
        )
    if new.registration == Event.Registration.LIMITED:
        taken = (
            active.filter(status=Registration.Status.CONFIRMED)
            .values("occurrence_start")
            .annotate(n=Sum("people"))
            .order_by("-n")
            .values_list("n", flat=True)
            .first()
        ) or 0
        if (new.capacity or 0) < taken:
            raise ValidationError(
                {
                    "capacity": _(
                        "Für einen Termin sind schon %(n)s Plätze vergeben; weniger Plätze sind nicht möglich."
                    )
                    % {"n": taken}
                }
            )


@transaction.atomic
def event_edit_published(*, actor, event: Event, **fields) -> tuple[Event, Event | None]:
    """An organiser edits a published event: the fields in workflow.PUBLISH_AT_ONCE change at once; changes to
    any other field become a revision that is submitted for review, while the published version stays public.

    Returns the event and the submitted revision (None when nothing needed review)."""
    locked = (
        Event.objects.select_for_update(of=("self",)).select_related("organisation", "city").get(pk=event.pk)
    )
    if not is_organiser(actor, locked):
        raise PermissionDenied
    if locked.status != S.PUBLISHED or locked.revision_of_id:
        raise ValidationError(_("Nur veröffentlichte Veranstaltungen werden so bearbeitet."))
    if selectors.open_revision(locked) is not None:
        raise ValidationError(
            _("Für diese Veranstaltung liegt schon eine Änderung vor; bitte bearbeiten Sie diese.")
        )
    unknown = set(fields) - set(workflow.PUBLISH_AT_ONCE) - set(workflow.NEEDS_REVIEW)
    if unknown:
        raise ValidationError(_("Unbekannte Felder: %(names)s") % {"names": ", ".join(sorted(unknown))})
    at_once = {
        n: v for n, v in fields.items() if n in workflow.PUBLISH_AT_ONCE and selectors.differs(locked, n, v)
    }
    reviewed = {
        n: v for n, v in fields.items() if n in workflow.NEEDS_REVIEW and selectors.differs(locked, n, v)
    }
    revision = None
    if at_once:
        before = Event.objects.get(pk=locked.pk)
        for name, value in at_once.items():
            setattr(locked, name, value)
        locked.full_clean()
        _check_registrations_fit(before, locked)
        locked.save()
        audit_record(
            actor=actor, action="event.updated", target=locked, changes=model_changes(before, locked)
        )
        if "capacity" in at_once or "waiting_list_size" in at_once:
            starts = (
                Registration.objects.filter(
                    event=locked, status=Registration.Status.WAITING, occurrence_start__gt=timezone.now()
                )
                .values_list("occurrence_start", flat=True)
                .distinct()
                .order_by("occurrence_start")
            )
            for start in list(starts):
                waiting_list_move_up(event=locked, occurrence_start=start)
        listcache.bump(list_scope(locked.city_id))
    if reviewed:
        revision = Event.objects.get(pk=locked.pk)
        revision.pk = revision.id = None
        revision._state.adding = True
        revision.status = S.DRAFT
        revision.revision_of = locked
        revision.published_at = None
        revision.review_message = ""
        revision.created_by = actor
        for name, value in reviewed.items():
            setattr(revision, name, value)
        revision.slug = _slug(revision.title)
        revision.full_clean()
        _check_registrations_fit(locked, revision)
        revision.save()
        audit_record(
            actor=actor,
            action="event.revision_created",
            target=locked,
            changes=model_changes(locked, revision),
        )
        revision = event_transition(actor=actor, event=revision, to_status=S.SUBMITTED)
    return locked, revision


COPIED_ON_APPROVAL = (*workflow.NEEDS_REVIEW, *workflow.PUBLISH_AT_ONCE)


def _revision_publish(*, actor, revision: Event, message: str) -> Event:
    """Take an approved revision over into the published event, tell the people registered for dates whose
    time or place changed (or that were dropped), and delete the revision. Runs inside event_transition."""
    original = (
        Event.objects.select_for_update(of=("self",))
        .select_related("organisation", "city", "neighbourhood__district")
        .get(pk=revision.revision_of_id)
    )
    if original.status != S.PUBLISHED:
        raise ValidationError(
            _("Die Veranstaltung ist nicht mehr veröffentlicht; die Änderung kann nicht übernommen werden.")
        )
    before = Event.objects.select_related("neighbourhood").get(pk=original.pk)
    changed = [label for label, _old, _new in selectors.revision_differences(revision)]
    for name in COPIED_ON_APPROVAL:
        setattr(original, name, getattr(revision, name))
    original.slug = _slug(original.title)
    original.full_clean()
    _check_registrations_fit(before, original)
    original.save()
    event_occurrences_sync(event=original)
    text = _("Änderung veröffentlicht: %(fields)s") % {"fields": ", ".join(str(c) for c in changed) or "–"}
    step = EventStep.objects.create(
        event=original,
        from_status=S.PUBLISHED,
        to_status=S.PUBLISHED,
        actor=actor,
        message=(text + (" – " + message if message else ""))[:2000],
    )
    audit_record(
        actor=actor,
        action="event.revision_published",
        target=original,
        changes={**model_changes(before, original), "revision": [revision.pk, None]},
    )
    _tell_registrants_of_change(actor, before, original)
    _notify(original, step, _organiser_addresses(original))
    revision.delete()
    return original


# Subjects are translated when sent, in the registrant's language.
SUBJECT_CHANGED = gettext_noop("Geänderter Termin oder Ort: %(title)s")
SUBJECT_DATE_DROPPED = gettext_noop("Termin entfällt: %(title)s")


def _tell_registrants_of_change(actor, before: Event, after: Event) -> int:
    """Registrations of coming dates follow a changed time (same day for a series, the one date of a single
    event), are cancelled for a dropped date, and everyone affected is told in their language."""
    time_changed = any(getattr(before, f) != getattr(after, f) for f in workflow.TIME_FIELDS)
    place_changed = any(selectors.differs(before, f, getattr(after, f)) for f in workflow.PLACE_FIELDS)
    if not time_changed and not place_changed:
        return 0
    now = timezone.now()
    new = occurrences(after, now, now + timedelta(days=800))
    by_start = {o.start: o for o in new}
    by_day: dict = {}
    for o in new:
        by_day.setdefault(o.start.astimezone(BERLIN).date(), o)
    single = before.recurrence == Event.Recurrence.NONE and after.recurrence == Event.Recurrence.NONE
    told = 0
    registrations = Registration.objects.filter(
        event=after,
        occurrence_start__gt=now,
        status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING],
    ).order_by("occurrence_start", "created_at", "id")
    for registration in registrations:
        old_start = registration.occurrence_start.astimezone(BERLIN)
        if old_start in by_start:
            target = by_start[old_start]
        elif single:
            target = new[0] if new else None
        else:
            target = by_day.get(old_start.date())
        registration.event = after
        if target is None:
            previous = registration.status
            registration.status = Registration.Status.CANCELLED
            registration.save(update_fields=["status", "status_changed_at"])
            audit_record(
                actor=actor,
                action="registration.date_dropped",
                target=registration,
                changes={"status": [previous, registration.status]},
            )
            _send(
                registration,
                "events/email/registration_changed.txt",
                SUBJECT_DATE_DROPPED,
                cancelled_date=True,
                old_start=old_start,
            )
        else:
            moved = target.start != old_start
            if moved:
                registration.occurrence_start = target.start
                registration.delete_after = target.end + timedelta(days=RETENTION_DAYS)
                registration.save(update_fields=["occurrence_start", "delete_after", "status_changed_at"])
                audit_record(
                    actor=actor,
                    action="registration.date_moved",
                    target=registration,
                    changes={"occurrence_start": [old_start.isoformat(), target.start.isoformat()]},
                )
            elif not place_changed:
                continue
            _send(
                registration,
                "events/email/registration_changed.txt",
                SUBJECT_CHANGED,
                old_start=old_start,
                time_changed=moved,
                place_changed=place_changed,
            )
        told += 1
    return told
