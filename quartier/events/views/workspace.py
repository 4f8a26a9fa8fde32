"""Workspace pages for events: organisers draft, edit and submit; reviewers publish, return or reject.

The registrations pages (dates with counts, one date's lists, CSV export, attendance and a message to everyone
registered) are for the members of the event's organisation and its reviewers (coordinators of its district, or
the fallback team, city and platform administrators); everyone else gets 404, so that the event's existence is
not confirmed.
"""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from quartier.accounts.permissions import can_use_workspace
from quartier.core.permissions import requires
from quartier.core.spreadsheet import csv_download
from quartier.organisations.selectors import organisations_acted_for

from .. import permissions, selectors, services, workflow
from .. import registration_staff as staff
from ..forms.workspace import (
    EventEditForm,
    EventStepForm,
    RegistrationAttendanceForm,
    RegistrationMessageForm,
)
from ..models import Event
from ..occurrences import date_key
from ..permissions import can_manage_registrations

S = Event.Status
# Coordinators organise their organisations' events only in their own districts (events/permissions.py).
OUTSIDE_DISTRICTS = gettext_lazy(
    "Als Koordinator*in bearbeiten Sie Veranstaltungen einer Organisation nur an Orten in Ihren Stadtbezirken."
)
ACTIONS = {
    "submit": S.SUBMITTED,
    "publish": S.PUBLISHED,
    "return": S.RETURNED,
    "reject": S.REJECTED,
    "cancel": S.CANCELLED,
}


@require_safe
@requires(can_use_workspace)
@never_cache
def event_list(request):
    events = list(selectors.by_next_date(selectors.workspace_events(request.user, request.city))[:200])
    to_review = [
        e for e in events if e.status == S.SUBMITTED and workflow.allowed(request.user, e, S.PUBLISHED)
    ]
    organisations = organisations_acted_for(request.user, request.city)
    return render(
        request,
        "events/workspace/list.html",
        {"events": events, "to_review": to_review, "organisations": organisations},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires(can_use_workspace)
@never_cache
def event_create(request, organisation_id: int):
    organisation = selectors.organisation_for_new_event(request.user, request.city, organisation_id)
    if organisation is None:
        raise Http404
    form = EventEditForm(
        request.POST if request.method == "POST" else None, request.FILES or None, city=request.city
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                event = services.event_create_draft(
                    actor=request.user, organisation=organisation, **form.service_fields()
                )
            except PermissionDenied:
                form.add_error(None, OUTSIDE_DISTRICTS)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Der Entwurf wurde gespeichert."))
                return redirect("workspace:event", pk=event.pk)
        status = 400
    return render(
        request, "events/workspace/form.html", {"form": form, "organisation": organisation}, status=status
    )


@require_http_methods(["GET", "HEAD", "POST"])
@requires(can_use_workspace)
@never_cache
def event_detail(request, pk: int):
    """One event: the editor while it is a draft, the workflow buttons, and every step so far."""
    event = selectors.workspace_event(request.user, request.city, pk)
    if event is None:
        raise Http404(_("Diese Veranstaltung gibt es nicht oder Sie haben keinen Zugriff."))
    is_organiser = permissions.is_organiser(request.user, event)
    revision = selectors.open_revision(event) if event.status == S.PUBLISHED else None
    # A published event is edited too (workflow.PUBLISH_AT_ONCE / NEEDS_REVIEW), unless a change is under way.
    edits_published = event.status == S.PUBLISHED and not event.revision_of_id and revision is None
    editable = is_organiser and (event.status in workflow.EDITABLE or edits_published)
    saving = request.POST.get("action") == "save"
    form = EventEditForm(
        request.POST if saving else None, request.FILES if saving else None, instance=event, city=request.city
    )
    step_form = EventStepForm(request.POST if request.POST.get("action") in ACTIONS else None)
    status = 200
    if request.method == "POST" and request.POST.get("action") not in {*ACTIONS, "save"}:
        step_form = EventStepForm({})
        step_form.is_valid()
        step_form.add_error(None, _("Unbekannte Aktion."))
        status = 400
    elif request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "save" and editable and edits_published and form.is_valid():
                _event, submitted = services.event_edit_published(
                    actor=request.user, event=event, **form.service_fields()
                )
                if submitted is not None:
                    messages.success(
                        request,
                        _(
                            "Ihre Änderungen an Zeit, Ort, Beschreibung oder anderen geprüften Angaben sind zur "
                            "Prüfung eingereicht. Bis sie freigegeben sind, bleibt die bisherige Fassung öffentlich."
                        ),
                    )
                    return redirect("workspace:event", pk=submitted.pk)
                messages.success(request, _("Die Änderungen sind gespeichert und sofort öffentlich."))
                return redirect("workspace:event", pk=pk)
            if action == "save" and editable and form.is_valid():
                try:
                    services.event_update(actor=request.user, event=event, **form.service_fields())
                except PermissionDenied:
                    raise ValidationError(OUTSIDE_DISTRICTS) from None
                messages.success(request, _("Die Änderungen wurden gespeichert."))
                return redirect("workspace:event", pk=pk)
            if action in ACTIONS and step_form.is_valid():
                result = services.event_transition(
                    actor=request.user,
                    event=event,
                    to_status=ACTIONS[action],
                    message=step_form.cleaned_data["message"],
                )
                messages.success(
                    request, _("Die Veranstaltung ist jetzt: %(status)s.") % {"status": ACTIONS[action].label}
                )
                # Publishing a revision merges it into the published event and deletes it.
                return redirect("workspace:event", pk=result.pk)
            if action == "save" and not editable:
                raise PermissionDenied
        except ValidationError as exc:
            (form if action == "save" else step_form).add_error(None, exc)
        status = 400
    allowed = [name for name, to in ACTIONS.items() if workflow.allowed(request.user, event, to)]
    return render(
        request,
        "events/workspace/detail.html",
        {
            "event": event,
            "form": form,
            "step_form": step_form,
            "editable": editable,
            "actions": allowed,
            "steps": event.steps.select_related("actor"),
            "edits_published": edits_published and is_organiser,
            "revision": revision,
            "differences": selectors.revision_differences(event) if event.revision_of_id else [],
            "at_once_fields": [Event._meta.get_field(n).verbose_name for n in workflow.PUBLISH_AT_ONCE],
            "manages_registrations": event.registration != Event.Registration.NONE
            and not event.revision_of_id
            and can_manage_registrations(request.user, event),
        },
        status=status,
    )


KEY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2})(\d{2})$")


def _event(request, pk: int) -> Event:
    event = selectors.registrations_event(request.user, request.city, pk)
    if event is None:
        raise Http404(
            _(
                "Diese Veranstaltung gibt es nicht, sie nimmt keine Anmeldungen an, oder Sie haben keinen Zugriff."
            )
        )
    return event


def _date(event: Event, key: str) -> staff.DateSummary:
    if not KEY.match(key or ""):
        raise Http404(_("Diesen Termin gibt es bei dieser Veranstaltung nicht."))
    found = next((d for d in staff.registration_dates(event) if date_key(d.start) == key), None)
    if found is None:
        raise Http404(_("Diesen Termin gibt es bei dieser Veranstaltung nicht."))
    return found


@require_safe
@requires(can_use_workspace)
@never_cache
def event_registrations(request, pk: int):
    """The event's dates with places taken and left, waiting and cancelled; each leads to its lists."""
    event = _event(request, pk)
    dates = staff.registration_dates(event)
    now = timezone.now()
    return render(
        request,
        "events/workspace/registrations.html",
        {
            "event": event,
            "coming": [(d, date_key(d.start)) for d in dates if d.start >= now],
            "past": [(d, date_key(d.start)) for d in reversed(dates) if d.start < now],
        },
    )


def _date_page(request, event, summary, *, message_form=None, attendance_error="", status=200):
    lists = staff.date_registrations(actor=request.user, event=event, start=summary.start)
    return render(
        request,
        "events/workspace/registrations_date.html",
        {
            "event": event,
            "summary": summary,
            "key": date_key(summary.start),
            "lists": lists,
            "attendance_open": staff.attendance_open(summary.start),
            "attendance_error": attendance_error,
            "message_form": message_form or RegistrationMessageForm(),
            "sent": staff.messages_for(event, summary.start),
            "limit": staff.MESSAGES_PER_DATE_PER_DAY,
        },
        status=status,
    )


@require_safe
@requires(can_use_workspace)
@never_cache
def event_registrations_date(request, pk: int, termin: str):
    """One date: who is registered, the waiting list in order, cancellations, attendance and the message form.
    Opening it shows personal data and is recorded in the audit log."""
    event = _event(request, pk)
    return _date_page(request, event, _date(event, termin))


@require_safe
@requires(can_use_workspace)
@never_cache
def event_registrations_csv(request, pk: int, termin: str):
    """One date's registrations as CSV for Excel (UTF-8 with BOM, semicolons, no formulas); recorded."""
    event = _event(request, pk)
    summary = _date(event, termin)
    lists = staff.registrations_export(actor=request.user, event=event, start=summary.start)
    header = [
        _("Status"),
        _("Platz auf der Warteliste"),
        _("Name"),
        _("E-Mail-Adresse"),
        pgettext("number of people", "Personen"),
    ]
    header += [_("Sprache"), _("angemeldet am"), _("anwesend")]
    attended = {True: _("ja"), False: _("nein"), None: ""}
    rows = [(r, "") for r in lists.confirmed]
    rows += [(r, n) for n, r in enumerate(lists.waiting, start=1)]
    rows += [(r, "") for r in lists.cancelled]
    lines = [header]
    for registration, position in rows:
        lines.append(
            (
                registration.get_status_display(),
                position,
                registration.name,
                registration.email,
                registration.people,
                registration.get_language_display(),
                formats.date_format(timezone.localtime(registration.created_at), "SHORT_DATETIME_FORMAT"),
                attended[registration.attended],
            )
        )
    return csv_download(lines, filename=f"anmeldungen-{event.pk}-{termin}.csv")


@require_POST
@requires(can_use_workspace)
@never_cache
def event_attendance(request, pk: int, termin: str):
    """Mark one person's attendance; the request names the value, so repeating it changes nothing."""
    event = _event(request, pk)
    summary = _date(event, termin)
    form = RegistrationAttendanceForm(request.POST)
    if not form.is_valid():
        return _date_page(
            request,
            event,
            summary,
            attendance_error=_("Die Angabe zur Anwesenheit ist ungültig."),
            status=400,
        )
    try:
        registration = staff.registration_set_attendance(
            actor=request.user,
            event=event,
            registration_id=form.cleaned_data["registration"],
            attended=form.value(),
            start=summary.start,
        )
    except ValidationError as exc:
        return _date_page(request, event, summary, attendance_error=" ".join(exc.messages), status=400)
    messages.success(request, _("Anwesenheit von %(name)s gespeichert.") % {"name": registration.name})
    url = reverse("workspace:event_registrations_date", kwargs={"pk": event.pk, "termin": termin})
    return redirect(f"{url}#person-{registration.pk}")


@require_POST
@requires(can_use_workspace)
@never_cache
def event_registrations_message(request, pk: int, termin: str):
    """Write to everyone registered for the date (through the outbox)."""
    event = _event(request, pk)
    summary = _date(event, termin)
    form = RegistrationMessageForm(request.POST)
    if form.is_valid():
        try:
            sent = staff.registration_message_send(
                actor=request.user, event=event, start=summary.start, **form.cleaned_data
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "Die Nachricht geht an %(n)s angemeldete Person.",
                    "Die Nachricht geht an %(n)s angemeldete Personen.",
                    sent.recipients,
                )
                % {"n": sent.recipients},
            )
            return redirect("workspace:event_registrations_date", pk=event.pk, termin=termin)
    return _date_page(request, event, summary, message_form=form, status=400)
