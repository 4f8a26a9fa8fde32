"""Writes for suggestions: submission (form and API), routing and mail, the inbox's steps, and the privacy rules.

Every write runs in one transaction. Changes by staff carry the version they were made against: a change against
an older version raises `Conflict` instead of silently overwriting someone else's (optimistic locking).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from quartier.accounts import personal_data
from quartier.accounts.models import User
from quartier.accounts.selectors import work_recipients
from quartier.core import personal
from quartier.core.audit import audit_record, model_changes
from quartier.core.languages import supported_language
from quartier.places.models import City

from . import workflow
from .models import Suggestion, SuggestionNote, SuggestionStep
from .permissions import can_handle, handlers
from .personal_data import SUGGESTIONS
from .readers import readers_sentence
from .selectors import inbox

S = Suggestion.Status
MIN_TEXT = 10
MAX_TEXT = 5000
MAX_NAME = 200


# Someone else changed the suggestion since the form was loaded; `current` is what is stored now.
Conflict = personal.Conflict


def _status_token_for(submission_key: str) -> str:
    """The status-link token of a submission (core.personal.status_token_for)."""
    return personal.status_token_for(Suggestion.STATUS_TOKEN_PURPOSE, submission_key)


def _clean_text(value, field: str, *, minimum: int, maximum: int, errors: dict) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\x00", "").replace("\r\n", "\n").strip()
    if len(text) < minimum:
        errors[field] = _("Bitte schreiben Sie mindestens %(n)s Zeichen.") % {"n": minimum}
    elif len(text) > maximum:
        errors[field] = _("Bitte kürzen Sie auf höchstens %(n)s Zeichen.") % {"n": maximum}
    return text


def suggestion_submit(
    *,
    city,
    text,
    topic,
    neighbourhood,
    consent,
    submission_key: str,
    status_url_for,
    name="",
    email="",
    language: str | None = None,
    channel: str = Suggestion.Channel.FORM,
    notify: bool = True,
) -> tuple[Suggestion, str, bool]:
    """File a resident's suggestion, route it and confirm it. Returns (suggestion, status token, created).

    A submission key that was used before in this city returns the suggestion it made (created False) and sends
    nothing. `status_url_for(token)` builds the secret status link for the confirmation e-mail.
    """
    errors: dict[str, str] = {}
    text = _clean_text(text, "text", minimum=MIN_TEXT, maximum=MAX_TEXT, errors=errors)
    name = _clean_text(name, "name", minimum=0, maximum=MAX_NAME, errors=errors)
    name = " ".join(name.split())
    email = ("" if email is None else str(email)).strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _(
                "Bitte geben Sie eine gültige E-Mail-Adresse an oder lassen Sie das Feld leer."
            )
    if topic not in Suggestion.Topic.values:
        errors["topic"] = _("Bitte wählen Sie ein Thema.")
    if neighbourhood is not None and neighbourhood.city_id != city.pk:
        errors["neighbourhood"] = _("Der Stadtteil gehört zu einer anderen Stadt.")
    if consent is not True:
        errors["consent"] = _("Bitte stimmen Sie der Verarbeitung Ihres Vorschlags zu.")
    if key_error := personal.submission_key_error(submission_key):
        errors["__all__"] = key_error
    if errors:
        raise ValidationError(errors)

    token = _status_token_for(submission_key)
    now = timezone.now()
    language = supported_language(language or translation.get_language())

    def create() -> Suggestion:
        suggestion = Suggestion.objects.create(
            city=city,
            neighbourhood=neighbourhood,
            district=neighbourhood.district if neighbourhood is not None else None,
            text=text,
            topic=topic,
            name=name,
            email=email,
            language=language,
            channel=channel,
            consent_at=now,
            submission_key=submission_key,
            last_activity_at=now,
            **personal.status_link_fields(token, now),
        )
        SuggestionStep.objects.create(suggestion=suggestion, to_status=S.RECEIVED)
        audit_record(
            actor=None,
            action="suggestion.received",
            target=suggestion,
            changes={"channel": channel, "with_contact": bool(name or email)},
        )
        if notify:
            # The mails are outbox rows (core.mail) written in the same transaction: a suggestion is never
            # stored without its notifications, nor the other way round, and it costs no second commit.
            _notify_submitted(suggestion, token, status_url_for)
        return suggestion

    suggestion, created = personal.submit_once(
        Suggestion, city=city, submission_key=submission_key, create=create
    )
    return suggestion, token, created


def _notify_submitted(suggestion: Suggestion, token: str, status_url_for) -> None:
    if suggestion.email:
        with translation.override(suggestion.language):
            _mail_writer(
                suggestion,
                "suggestions/email/received.txt",
                status_url=status_url_for(token),
                readers=readers_sentence(suggestion),
            )
    _notify_handlers(suggestion)


def _mail_writer(suggestion: Suggestion, template: str, **context) -> None:
    subject = _("Ihr Vorschlag Nr. %(number)s") % {"number": suggestion.pk}
    body = render_to_string(
        template,
        {"suggestion": suggestion, "keep_days": settings.SUGGESTION_KEEP_CLOSED_DAYS, **context},
    )
    EmailMessage(subject=subject, body=body, to=[suggestion.email]).send()


def _notify_handlers(suggestion: Suggestion) -> list[str]:
    """Mail the people who receive the suggestion's district's work now, unless they chose a daily digest."""
    recipients = work_recipients(city=suggestion.city, district=suggestion.district)
    addresses = sorted(u.email for u in recipients.users if u.work_mail == User.WorkMail.IMMEDIATE)
    if addresses:
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string(
                "suggestions/email/new_for_staff.txt", {"suggestion": suggestion, "via": recipients.label}
            )
            subject = _("Neuer Vorschlag Nr. %(number)s (%(place)s)") % {
                "number": suggestion.pk,
                "place": suggestion.neighbourhood.name if suggestion.neighbourhood else _("ganze Stadt"),
            }
        EmailMessage(subject=subject, body=body, bcc=addresses).send()
    return addresses


def _locked(actor, suggestion: Suggestion, expected_version: int | None) -> Suggestion:
    """The suggestion locked for this transaction; PermissionDenied outside the actor's scope, Conflict when
    `expected_version` is no longer the stored one (compared under the lock)."""
    rows = Suggestion.objects.select_related("city", "district", "neighbourhood").defer(
        "city__boundary", "district__boundary", "neighbourhood__boundary"
    )
    return personal.lock(
        rows, suggestion.pk, expected_version=expected_version, allowed=lambda row: can_handle(actor, row)
    )


def _save(actor, locked: Suggestion, before: Suggestion, action: str, fields: list[str]) -> Suggestion:
    personal.save_change(locked, fields)
    audit_record(actor=actor, action=action, target=locked, changes=model_changes(before, locked))
    return locked


@transaction.atomic
def suggestion_transition(
    *,
    actor,
    suggestion: Suggestion,
    to_status: str,
    expected_version: int | None,
    outcome: str = "",
    public_answer: str | None = None,
    forwarded_to: str = "",
    forwarded_email: str = "",
    message: str = "",
    notify: bool = True,
) -> Suggestion:
    """Take one workflow step. Closing needs an outcome and a public answer; forwarding a recipient, who gets
    the suggestion (without the writer's name or address) by e-mail."""
    locked = _locked(actor, suggestion, expected_version)
    workflow.check(locked, to_status)
    before = Suggestion.objects.get(pk=locked.pk)
    errors: dict[str, str] = {}
    message = _clean_text(message, "message", minimum=0, maximum=MAX_TEXT, errors=errors)
    if public_answer is not None:
        locked.public_answer = _clean_text(
            public_answer, "public_answer", minimum=0, maximum=MAX_TEXT, errors=errors
        )
    if to_status == S.CLOSED:
        if outcome not in Suggestion.Outcome.values:
            errors["outcome"] = _("Bitte wählen Sie das Ergebnis.")
        if not locked.public_answer.strip():
            errors["public_answer"] = _(
                "Bitte schreiben Sie eine Antwort, die die einreichende Person sieht."
            )
    if to_status == S.FORWARDED:
        forwarded_to = " ".join(str(forwarded_to or "").replace("\x00", "").split())[:200]
        forwarded_email = str(forwarded_email or "").strip()
        if not forwarded_to:
            errors["forwarded_to"] = _("Bitte geben Sie an, an wen Sie den Vorschlag weiterleiten.")
        try:
            validate_email(forwarded_email)
        except ValidationError:
            errors["forwarded_email"] = _("Bitte geben Sie eine gültige E-Mail-Adresse an.")
    if errors:
        raise ValidationError(errors)
    from_status = locked.status
    locked.status = to_status
    fields = ["status", "public_answer"]
    if to_status == S.CLOSED:
        locked.outcome = outcome
        locked.closed_at = timezone.now()
        keep_link = locked.closed_at + timedelta(days=settings.SUGGESTION_KEEP_CLOSED_DAYS)
        locked.status_link_expires_at = max(locked.status_link_expires_at, keep_link)
        fields += ["outcome", "closed_at", "status_link_expires_at"]
    elif from_status == S.CLOSED:  # reopened
        locked.outcome = ""
        locked.closed_at = None
        locked.is_published = False
        fields += ["outcome", "closed_at", "is_published"]
    SuggestionStep.objects.create(
        suggestion=locked,
        from_status=from_status,
        to_status=to_status,
        outcome=locked.outcome if to_status == S.CLOSED else "",
        actor=actor,
        forwarded_to=forwarded_to if to_status == S.FORWARDED else "",
        forwarded_email=forwarded_email if to_status == S.FORWARDED else "",
        message=message,
    )
    _save(actor, locked, before, f"suggestion.{to_status}", fields)
    if notify and to_status == S.FORWARDED:
        transaction.on_commit(lambda: _mail_forward(locked, forwarded_to, forwarded_email, message, actor))
    if notify and to_status == S.CLOSED and locked.email:
        transaction.on_commit(lambda: _mail_closed(locked.pk))
    return locked


def _mail_forward(suggestion: Suggestion, to_name: str, to_email: str, message: str, actor) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "suggestions/email/forwarded.txt",
            {"suggestion": suggestion, "to_name": to_name, "message": message, "sender": actor},
        )
        subject = _("Weitergeleiteter Vorschlag Nr. %(number)s") % {"number": suggestion.pk}
    EmailMessage(subject=subject, body=body, to=[to_email], reply_to=[actor.email]).send()


def _mail_closed(pk: int) -> None:
    suggestion = (
        Suggestion.objects.select_related("city", "neighbourhood")
        .defer("city__boundary", "neighbourhood__boundary")
        .get(pk=pk)
    )
    if suggestion.email:
        with translation.override(suggestion.language):
            _mail_writer(suggestion, "suggestions/email/closed.txt")


@transaction.atomic
def suggestion_assign(*, actor, suggestion: Suggestion, assignee: User | None, expected_version: int | None):
    locked = _locked(actor, suggestion, expected_version)
    if assignee is not None and assignee not in handlers(locked) and not can_handle(assignee, locked):
        raise ValidationError(
            {"assigned_to": _("Diese Person bearbeitet keine Vorschläge dieses Stadtbezirks.")}
        )
    before = Suggestion.objects.get(pk=locked.pk)
    locked.assigned_to = assignee
    return _save(actor, locked, before, "suggestion.assigned", ["assigned_to"])


@transaction.atomic
def suggestion_publish(
    *, actor, suggestion: Suggestion, publish: bool, published_text: str = "", expected_version: int | None
) -> Suggestion:
    """Show a closed suggestion with its answer on the district page, in a text without personal data that the
    coordinator writes or checks (the original may name people); or take it off again."""
    locked = _locked(actor, suggestion, expected_version)
    before = Suggestion.objects.get(pk=locked.pk)
    if publish:
        errors: dict[str, str] = {}
        text = _clean_text(
            published_text, "published_text", minimum=MIN_TEXT, maximum=MAX_TEXT, errors=errors
        )
        if locked.status != S.CLOSED or not locked.public_answer.strip():
            errors["__all__"] = _("Nur abgeschlossene Vorschläge mit Antwort können veröffentlicht werden.")
        if errors:
            raise ValidationError(errors)
        locked.published_text = text
        locked.is_published = True
        locked.published_at = timezone.now()
    else:
        locked.is_published = False
    return _save(
        actor,
        locked,
        before,
        "suggestion.published" if publish else "suggestion.unpublished",
        ["published_text", "is_published", "published_at"],
    )


@transaction.atomic
def suggestion_add_note(*, actor, suggestion: Suggestion, text: str) -> SuggestionNote:
    """Notes are only added, never edited, so two people writing notes at once both keep theirs."""
    locked = _locked(actor, suggestion, None)
    errors: dict[str, str] = {}
    text = _clean_text(text, "text", minimum=1, maximum=MAX_TEXT, errors=errors)
    if errors:
        raise ValidationError(errors)
    note = SuggestionNote.objects.create(suggestion=locked, author=actor, text=text)
    Suggestion.objects.filter(pk=locked.pk).update(last_activity_at=timezone.now())
    audit_record(actor=actor, action="suggestion.note_added", target=locked, changes={"note": note.pk})
    return note


def suggestion_view_record(*, actor, suggestion: Suggestion) -> None:
    """An audit entry for every time staff open a suggestion that holds personal data."""
    if suggestion.has_personal_data:
        audit_record(actor=actor, action="suggestion.viewed", target=suggestion)


def suggestion_person_export(*, actor, suggestions) -> list[dict]:
    """Everything stored about one person's suggestions (DSGVO Art. 15), for the ones `actor` handles."""
    return personal_data.person_export(kind=SUGGESTIONS, actor=actor, requests=suggestions)


def suggestion_personal_data_erase(*, actor, suggestion: Suggestion, reason: str) -> Suggestion:
    """Remove name and e-mail (on request, or by the retention rule); the suggestion stays, anonymised."""
    return personal_data.personal_data_erase(kind=SUGGESTIONS, actor=actor, request=suggestion, reason=reason)


def suggestions_personal_data_purge(*, now=None) -> int:
    """Apply the retention rule (decision 0016): contact data goes 6 months after closing, or 24 months after the
    last activity if the suggestion never closes (QUARTIER_SUGGESTION_KEEP_* settings)."""
    return personal.purge(
        Suggestion,
        lambda s: suggestion_personal_data_erase(actor=None, suggestion=s, reason="retention"),
        now,
    )


def suggestion_digests_send(*, now=None) -> int:
    """The daily digest for staff who chose it: the suggestions that arrived in their scope since the last one."""
    now = now or timezone.now()
    sent = 0
    for user in User.objects.filter(is_active=True, work_mail=User.WorkMail.DAILY):
        since = user.work_digest_sent_at or now - timedelta(days=1)
        lines = []
        for city in City.objects.filter(memberships__user=user).distinct().defer("boundary"):
            new = inbox(user, city).filter(created_at__gte=since, created_at__lt=now)
            lines += [(city, s) for s in new]
        if lines:
            with translation.override(settings.LANGUAGE_CODE):
                body = render_to_string("suggestions/email/digest.txt", {"items": lines, "since": since})
                subject = _("Neue Vorschläge: %(n)s seit gestern") % {"n": len(lines)}
            EmailMessage(subject=subject, body=body, to=[user.email]).send()
            sent += 1
        User.objects.filter(pk=user.pk).update(work_digest_sent_at=now)
    return sent
