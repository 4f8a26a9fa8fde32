"""The organiser's registrations pages in the workspace: dates with counts, one date's lists, CSV export,
attendance and a message to everyone registered.

For the members of the event's organisation and its reviewers (coordinators of its district, or the fallback
team, city and platform administrators); everyone else gets 404, so that the event's existence is not confirmed.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from quartier.accounts.permissions import require_workspace
from quartier.core.spreadsheet import csv_download

from .. import registration_staff as staff
from .. import selectors
from ..models import Event
from ..occurrences import BERLIN
from ..permissions import can_manage_registrations
from ..registration_staff_forms import AttendanceForm, RegistrationMessageForm

KEY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2})(\d{2})$")


def date_key(start: datetime) -> str:
    """How a date is named in the workspace URLs: Berlin wall-clock time to the minute, e.g. 2027-09-04T1500."""
    return start.astimezone(BERLIN).strftime("%Y-%m-%dT%H%M")


def _event(request, pk: int) -> Event:
    require_workspace(request.user, request.city)
    event = (
        selectors.workspace_events(request.user, request.city)
        .filter(pk=pk, revision_of__isnull=True)
        .exclude(registration=Event.Registration.NONE)
        .first()
    )
    if event is None or not can_manage_registrations(request.user, event):
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
@login_required
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
@login_required
@never_cache
def event_registrations_date(request, pk: int, termin: str):
    """One date: who is registered, the waiting list in order, cancellations, attendance and the message form.
    Opening it shows personal data and is recorded in the audit log."""
    event = _event(request, pk)
    return _date_page(request, event, _date(event, termin))


@require_safe
@login_required
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
@login_required
@never_cache
def event_attendance(request, pk: int, termin: str):
    """Mark one person's attendance; the request names the value, so repeating it changes nothing."""
    event = _event(request, pk)
    summary = _date(event, termin)
    form = AttendanceForm(request.POST)
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
@login_required
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
